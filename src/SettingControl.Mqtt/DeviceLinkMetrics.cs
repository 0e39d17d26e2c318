using System.Diagnostics.Metrics;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt;

/// <summary>
/// Counts what crosses the device link and the broker: messages in (by topic kind), commands out (by device
/// kind), every dropped message by reason, every broker refusal by reason, reconnects, and how long an accepted
/// command waits before it is published. Exposed on the <see cref="Meter"/> named <see cref="MeterName"/> for
/// OpenTelemetry, and as a snapshot for <c>/api/diagnostics</c>.
/// </summary>
public sealed class DeviceLinkMetrics : IDisposable
{
    /// <summary>The one meter of SettingControl; every instrument is named <c>settingcontrol.*</c>.</summary>
    public const string MeterName = "SettingControl";

    private readonly Meter _meter = new(MeterName);
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private readonly long[] _refusals = new long[Enum.GetValues<BrokerRefusal>().Length];
    private readonly Counter<long> _dropCounter;
    private readonly Counter<long> _inCounter;
    private readonly Counter<long> _outCounter;
    private readonly Counter<long> _reconnectCounter;
    private readonly Counter<long> _readBackCounter;
    private readonly Counter<long> _groupCommandCounter;
    private readonly Counter<long> _refusedCounter;
    private readonly Histogram<double> _commandLatency;
    private long _messagesIn;
    private long _messagesAccepted;
    private long _commandsOut;
    private long _reconnects;
    private Func<int>? _linkConnected;
    private Func<int>? _brokerClients;
    private Func<int>? _activeRooms;

    public DeviceLinkMetrics()
    {
        _dropCounter = _meter.CreateCounter<long>("settingcontrol.device.messages.dropped", "{message}", "Device messages dropped, by reason");
        _inCounter = _meter.CreateCounter<long>("settingcontrol.device.messages.in", "{message}", "Device messages received, by kind (rejected: did not parse)");
        _outCounter = _meter.CreateCounter<long>("settingcontrol.device.commands.out", "{command}", "Commands published to devices, by device kind");
        _groupCommandCounter = _meter.CreateCounter<long>("settingcontrol.device.group_commands.out", "{broadcast}", "Commands published once for a whole group of devices (a Zigbee2MQTT group's /set) instead of one per device");
        _readBackCounter = _meter.CreateCounter<long>("settingcontrol.device.readbacks.out", "{request}", "State read-backs sent to devices whose state is not retained (Zigbee2MQTT /get)");
        _reconnectCounter = _meter.CreateCounter<long>("settingcontrol.mqtt.reconnects", "{connection}", "Times the device link (re)connected to the broker");
        _refusedCounter = _meter.CreateCounter<long>("settingcontrol.mqtt.refused", "{event}", "Connections, publishes and subscriptions the broker refused, by reason");
        _commandLatency = _meter.CreateHistogram<double>("settingcontrol.device.command.publish_latency", "ms", "From a command accepted by a room to its MQTT publish acknowledged");
        _meter.CreateObservableGauge("settingcontrol.mqtt.connections", ObserveConnections, "{connection}", "Open MQTT connections: the controller's link and the embedded broker's clients");
        _meter.CreateObservableGauge("settingcontrol.rooms.active", () => _activeRooms?.Invoke() ?? 0, "{room}", "Rooms the facility runs");
    }

    /// <summary>Lets the gauges read live values from their owners (the link, the broker, the room directory).</summary>
    public void ObserveLink(Func<int> connected) => _linkConnected = connected;

    public void ObserveBroker(Func<int> clients) => _brokerClients = clients;

    public void ObserveRooms(Func<int> rooms) => _activeRooms = rooms;

    /// <param name="kind"><c>announce</c>, <c>availability</c>, <c>state</c>, or <c>rejected</c> for a message that did not parse.</param>
    public void MessageIn(string kind)
    {
        Interlocked.Increment(ref _messagesIn);
        _inCounter.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void Accepted() => Interlocked.Increment(ref _messagesAccepted);

    public void Dropped(DropReason reason)
    {
        Interlocked.Increment(ref _drops[(int)reason]);
        _dropCounter.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    public void Refused(BrokerRefusal reason)
    {
        Interlocked.Increment(ref _refusals[(int)reason]);
        _refusedCounter.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    public void CommandOut(string deviceKind, TimeSpan sinceAccepted)
    {
        Interlocked.Increment(ref _commandsOut);
        var tag = new KeyValuePair<string, object?>("kind", deviceKind);
        _outCounter.Add(1, tag);
        _commandLatency.Record(sinceAccepted.TotalMilliseconds, tag);
    }

    public void ReadBackOut() => _readBackCounter.Add(1);

    public void GroupCommandOut() => _groupCommandCounter.Add(1);

    public void Reconnected()
    {
        Interlocked.Increment(ref _reconnects);
        _reconnectCounter.Add(1);
    }

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

        var refusals = new Dictionary<string, long>();
        foreach (var reason in Enum.GetValues<BrokerRefusal>())
        {
            var count = Interlocked.Read(ref _refusals[(int)reason]);
            if (count > 0)
            {
                refusals[reason.ToString()] = count;
            }
        }

        return new DeviceLinkCounters(
            Interlocked.Read(ref _messagesIn),
            Interlocked.Read(ref _messagesAccepted),
            drops.Values.Sum(),
            drops,
            Interlocked.Read(ref _commandsOut),
            Interlocked.Read(ref _reconnects),
            refusals);
    }

    private IEnumerable<Measurement<int>> ObserveConnections()
    {
        yield return new Measurement<int>(_linkConnected?.Invoke() ?? 0, new KeyValuePair<string, object?>("side", "controller"));
        if (_brokerClients is { } clients)
        {
            yield return new Measurement<int>(clients(), new KeyValuePair<string, object?>("side", "embedded-broker"));
        }
    }

    public void Dispose() => _meter.Dispose();
}

public sealed record DeviceLinkCounters(
    long MessagesIn,
    long MessagesAccepted,
    long MessagesDropped,
    IReadOnlyDictionary<string, long> DroppedByReason,
    long CommandsOut,
    long Reconnects,
    IReadOnlyDictionary<string, long> RefusedByReason);
