using System.Diagnostics.Metrics;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt;

/// <summary>
/// Counts what crosses the device link: messages in, commands out, reconnects, and every dropped
/// message by reason. Exposed as a <see cref="Meter"/> for OpenTelemetry and as a snapshot for the API.
/// </summary>
public sealed class DeviceLinkMetrics : IDisposable
{
    public const string MeterName = "SettingControl.DeviceLink";

    private readonly Meter _meter = new(MeterName);
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private readonly Counter<long> _dropCounter;
    private readonly Counter<long> _inCounter;
    private readonly Counter<long> _outCounter;
    private long _messagesIn;
    private long _messagesAccepted;
    private long _commandsOut;
    private long _reconnects;

    public DeviceLinkMetrics()
    {
        _dropCounter = _meter.CreateCounter<long>("settingcontrol.device.messages.dropped", description: "Device messages dropped, by reason");
        _inCounter = _meter.CreateCounter<long>("settingcontrol.device.messages.in", description: "Device messages received");
        _outCounter = _meter.CreateCounter<long>("settingcontrol.device.commands.out", description: "Commands published to devices");
    }

    public void MessageIn()
    {
        Interlocked.Increment(ref _messagesIn);
        _inCounter.Add(1);
    }

    public void Accepted() => Interlocked.Increment(ref _messagesAccepted);

    public void Dropped(DropReason reason)
    {
        Interlocked.Increment(ref _drops[(int)reason]);
        _dropCounter.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    public void CommandOut()
    {
        Interlocked.Increment(ref _commandsOut);
        _outCounter.Add(1);
    }

    public void Reconnected() => Interlocked.Increment(ref _reconnects);

    public DeviceLinkCounters Snapshot()
    {
        var drops = new Dictionary<string, long>();
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            var count = Interlocked.Read(ref _drops[(int)reason]);
            if (reason != DropReason.None && count > 0)
            {
                drops[reason.ToString()] = count;
            }
        }

        return new DeviceLinkCounters(
            Interlocked.Read(ref _messagesIn),
            Interlocked.Read(ref _messagesAccepted),
            drops.Values.Sum(),
            drops,
            Interlocked.Read(ref _commandsOut),
            Interlocked.Read(ref _reconnects));
    }

    public void Dispose() => _meter.Dispose();
}

public sealed record DeviceLinkCounters(
    long MessagesIn,
    long MessagesAccepted,
    long MessagesDropped,
    IReadOnlyDictionary<string, long> DroppedByReason,
    long CommandsOut,
    long Reconnects);
