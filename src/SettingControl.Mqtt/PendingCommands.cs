using System.Collections.Concurrent;
using System.Threading.Channels;
using SettingControl.Domain;

namespace SettingControl.Mqtt;

/// <summary>
/// The outgoing command queue, coalesced per device: each command carries the device's whole desired
/// state, so when several are waiting for one device only the newest matters. This keeps a flood (or a
/// broker outage) from replaying stale states. A failed publish is put back only while it is still the device's
/// newest command: once a newer one was accepted (waiting, or already published), the old one is dropped, so it can
/// neither overwrite the newer state nor reach the device a second time under the same id.
/// </summary>
public sealed class PendingCommands
{
    private readonly ConcurrentDictionary<string, PendingCommand> _latest = new(StringComparer.Ordinal);

    /// <summary>The sequence number of each device's newest accepted command, waiting or not.</summary>
    private readonly ConcurrentDictionary<string, long> _newest = new(StringComparer.Ordinal);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private long _sequence;

    public int Count => _latest.Count;

    /// <param name="acceptedAt">A <see cref="TimeProvider.GetTimestamp"/> value: when the room accepted the command (for the publish-latency metric).</param>
    public void Enqueue(DeviceCommand command, string commandId, long acceptedAt = 0)
    {
        var pending = new PendingCommand(command, commandId, Interlocked.Increment(ref _sequence), acceptedAt);
        _newest.AddOrUpdate(command.DeviceId, pending.Sequence, (_, known) => Math.Max(known, pending.Sequence));
        var isNew = true;
        _latest.AddOrUpdate(command.DeviceId, pending, (_, _) =>
        {
            isNew = false;
            return pending;
        });
        if (isNew)
        {
            _ready.Writer.TryWrite(command.DeviceId);
        }
    }

    /// <summary>Puts a command back after a failed publish, unless a newer one for the device was accepted since.</summary>
    /// <returns>False when the command was superseded and dropped.</returns>
    public bool Requeue(PendingCommand command)
    {
        var deviceId = command.Command.DeviceId;
        if (!_newest.TryGetValue(deviceId, out var newest) || newest != command.Sequence)
        {
            return false;
        }

        if (_latest.TryAdd(deviceId, command))
        {
            _ready.Writer.TryWrite(deviceId);
        }

        return true;
    }

    public async ValueTask<PendingCommand?> TakeAsync(CancellationToken cancellationToken)
    {
        while (await _ready.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_ready.Reader.TryRead(out var deviceId))
            {
                if (_latest.TryRemove(deviceId, out var command))
                {
                    return command;
                }
            }
        }

        return null;
    }
}

public sealed record PendingCommand(DeviceCommand Command, string CommandId, long Sequence, long AcceptedAt = 0);
