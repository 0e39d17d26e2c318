using System.Collections.Concurrent;
using System.Threading.Channels;
using SettingControl.Domain;

namespace SettingControl.Mqtt;

/// <summary>
/// The outgoing command queue, coalesced per device: each command carries the device's whole desired
/// state, so when several are waiting for one device only the newest matters. This keeps a flood (or a
/// broker outage) from replaying stale states, and a failed publish is put back only if nothing newer
/// arrived for that device meanwhile.
/// </summary>
public sealed class PendingCommands
{
    private readonly ConcurrentDictionary<string, PendingCommand> _latest = new(StringComparer.Ordinal);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private long _sequence;

    public int Count => _latest.Count;

    /// <param name="acceptedAt">A <see cref="TimeProvider.GetTimestamp"/> value: when the room accepted the command (for the publish-latency metric).</param>
    public void Enqueue(DeviceCommand command, string commandId, long acceptedAt = 0)
    {
        var pending = new PendingCommand(command, commandId, Interlocked.Increment(ref _sequence), acceptedAt);
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

    /// <summary>Puts a command back after a failed publish, unless a newer one for the device is already waiting.</summary>
    public void Requeue(PendingCommand command)
    {
        if (_latest.TryAdd(command.Command.DeviceId, command))
        {
            _ready.Writer.TryWrite(command.Command.DeviceId);
        }
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
