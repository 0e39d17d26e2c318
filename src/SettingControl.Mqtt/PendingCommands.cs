using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using System.Threading.Channels;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;

namespace SettingControl.Mqtt;

/// <summary>
/// The outgoing command queue, coalesced per device: each command carries the device's whole desired
/// state, so when several are waiting for one device only the newest matters. This keeps a flood (or a
/// broker outage) from replaying stale states. A failed publish is put back only while it is still the device's
/// newest command: once a newer one was accepted (waiting, or already published), the old one is dropped, so it can
/// neither overwrite the newer state nor reach the device a second time under the same id.
/// A group broadcast (<see cref="EnqueueGroup"/>) waits under its group's key and counts as each member's newest
/// command; it goes out as one only while it still is that for every member (<see cref="MembersStillNewest"/>).
/// </summary>
public sealed class PendingCommands
{
    /// <summary>Keys group broadcasts apart from device ids, which never hold a '#'.</summary>
    private const string GroupKeyPrefix = "#group:";

    private readonly ConcurrentDictionary<string, PendingCommand> _latest = new(StringComparer.Ordinal);

    /// <summary>The sequence number of each device's newest accepted command, waiting or not.</summary>
    private readonly ConcurrentDictionary<string, long> _newest = new(StringComparer.Ordinal);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
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

    /// <summary>
    /// Queues one broadcast for a group's members. It supersedes what was waiting for each of them (it is newer and
    /// says what they must show), so those are not sent at all.
    /// </summary>
    public void EnqueueGroup(GroupCommand group, string commandId, long acceptedAt = 0)
    {
        var pending = new PendingCommand(group.Commands[0], commandId, Interlocked.Increment(ref _sequence), acceptedAt, group);
        foreach (var member in group.Commands)
        {
            _newest.AddOrUpdate(member.DeviceId, pending.Sequence, (_, known) => Math.Max(known, pending.Sequence));
            _latest.TryRemove(member.DeviceId, out _);
        }

        var key = GroupKeyPrefix + group.Key;
        var isNew = true;
        _latest.AddOrUpdate(key, pending, (_, _) =>
        {
            isNew = false;
            return pending;
        });
        if (isNew)
        {
            _ready.Writer.TryWrite(key);
        }
    }

    /// <summary>
    /// The members' own commands of a group broadcast that are still their newest. All of them: the broadcast can go
    /// out. Fewer: a member was told something newer since, so the rest must be sent one by one (<see cref="Requeue"/>).
    /// </summary>
    public IReadOnlyList<PendingCommand> MembersStillNewest(PendingCommand group)
    {
        var members = new List<PendingCommand>();
        foreach (var member in group.Group?.Commands ?? [])
        {
            if (_newest.TryGetValue(member.DeviceId, out var newest) && newest == group.Sequence)
            {
                members.Add(group with { Command = member, Group = null });
            }
        }

        return members;
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
        while (await WaitAsync(cancellationToken))
        {
            if (TryTake(out var command))
            {
                return command;
            }
        }

        return null;
    }

    /// <summary>Waits until a command may be waiting; false once the queue is closed.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _ready.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>The oldest waiting command, if any, without waiting.</summary>
    public bool TryTake([NotNullWhen(true)] out PendingCommand? command)
    {
        while (_ready.Reader.TryRead(out var deviceId))
        {
            if (_latest.TryRemove(deviceId, out command))
            {
                return true;
            }
        }

        command = null;
        return false;
    }
}

/// <summary>A command waiting to be published; <see cref="Group"/> is set when it is one broadcast for several devices.</summary>
public sealed record PendingCommand(DeviceCommand Command, string CommandId, long Sequence, long AcceptedAt = 0, GroupCommand? Group = null);
