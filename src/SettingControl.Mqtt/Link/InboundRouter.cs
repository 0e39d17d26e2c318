using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Mqtt.Conventions;

namespace SettingControl.Mqtt.Link;

/// <summary>
/// Takes parsed device messages off the receive thread and hands them to the grains, in per-device partitions (so one
/// device's messages stay in order while other devices' run beside them). State reports, the hot path, go straight to
/// the device's room, whose id is cached for a while, so a report costs one grain call instead of two.
/// </summary>
internal sealed class InboundRouter
{
    private const int Partitions = 16;

    /// <summary>How long a device's room is trusted from the cache before the device grain is asked again.</summary>
    private static readonly TimeSpan RouteLifetime = TimeSpan.FromSeconds(30);

    private readonly IGrainFactory _grains;
    private readonly DeviceLinkMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<InboundDeviceMessage>[] _partitions;
    private readonly ConcurrentDictionary<string, (IRoomGrain? Room, long Expires)> _routes = new(StringComparer.Ordinal);
    private readonly IDeviceOwnership _ownership;

    /// <summary>
    /// The newest message of each kind from each device another node handles: when that node goes and its devices
    /// become this node's, their rooms hear at once what the devices last said instead of waiting for their next report.
    /// </summary>
    private readonly ConcurrentDictionary<(string DeviceId, Type Kind), InboundDeviceMessage> _heardElsewhere = new();

    /// <summary>Whether anything was ever kept for another node (never on a single node): spares the hot path a lookup.</summary>
    private volatile bool _anyHeardElsewhere;

    public InboundRouter(IGrainFactory grains, DeviceLinkMetrics metrics, TimeProvider time, ILogger logger, int queueCapacity, IDeviceOwnership? ownership = null)
    {
        _ownership = ownership ?? new EveryDeviceHere();
        _ownership.Changed += TakeOverHeardElsewhere;
        _grains = grains;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _partitions = new Channel<InboundDeviceMessage>[Partitions];
        for (var i = 0; i < _partitions.Length; i++)
        {
            // When full, the oldest message is dropped and counted: the newest says what is true now.
            _partitions[i] = Channel.CreateBounded<InboundDeviceMessage>(
                // Two writers: the receive thread, and in a cluster the hand-over of devices another node had.
                new BoundedChannelOptions(queueCapacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.DropOldest },
                _ => _metrics.Dropped(DropReason.InboundQueueFull));
        }
    }

    /// <summary>Queues a message for its device's partition; called on the receive thread, never blocks.</summary>
    public void Enqueue(InboundDeviceMessage message)
    {
        if (!_ownership.OwnsDevice(message.DeviceId))
        {
            _heardElsewhere[(message.DeviceId, message.GetType())] = message;
            _anyHeardElsewhere = true;
            return;
        }

        // Newer than anything kept from when another node had the device: the kept messages must not follow it.
        if (_anyHeardElsewhere)
        {
            _heardElsewhere.TryRemove((message.DeviceId, message.GetType()), out _);
        }

        EnqueueOwned(message);
    }

    /// <summary>Whether this node handles the device's messages (and so sends the read-backs they call for).</summary>
    public bool Owns(string deviceId) => _ownership.OwnsDevice(deviceId);

    private void TakeOverHeardElsewhere()
    {
        // Announcements first, then availability, then state: the order a device's own messages come in.
        foreach (var (key, message) in _heardElsewhere.OrderBy(m => m.Value switch
                 {
                     InboundDeviceMessage.Announced => 0,
                     InboundDeviceMessage.AvailabilityChanged => 1,
                     _ => 2,
                 }))
        {
            if (_ownership.OwnsDevice(key.DeviceId) && _heardElsewhere.TryRemove(new KeyValuePair<(string, Type), InboundDeviceMessage>(key, message)))
            {
                EnqueueOwned(message);
            }
        }
    }

    private void EnqueueOwned(InboundDeviceMessage message)
    {
        var partition = (int)((uint)StringComparer.Ordinal.GetHashCode(message.DeviceId) % Partitions);
        _partitions[partition].Writer.TryWrite(message);
    }

    /// <summary>One worker per partition, until <see cref="Complete"/> is called and the queues are drained.</summary>
    public IEnumerable<Task> StartWorkers(CancellationToken stoppingToken) =>
        _partitions.Select(p => RouteAsync(p.Reader, stoppingToken)).ToArray();

    public void Complete()
    {
        foreach (var partition in _partitions)
        {
            partition.Writer.TryComplete();
        }
    }

    private async Task RouteAsync(ChannelReader<InboundDeviceMessage> reader, CancellationToken stoppingToken)
    {
        await foreach (var message in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                if (await RouteOneAsync(message))
                {
                    _metrics.Accepted();
                }
                else
                {
                    _metrics.Dropped(DropReason.UnassignedDevice);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Routing a message from device {DeviceId} failed", message.DeviceId);
            }
            catch (Exception)
            {
                // Shutting down: the silo may already be gone.
            }
        }
    }

    // Pooled: a report that waits for its room would otherwise allocate this method's state machine every time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> RouteOneAsync(InboundDeviceMessage message)
    {
        var now = _time.GetUtcNow();
        switch (message)
        {
            case InboundDeviceMessage.StateReported s:
                if (await RoomOf(message.DeviceId) is { } room)
                {
                    await room.OnDeviceState(message.DeviceId, new DeviceStateReport(s.State, now));
                    return true;
                }

                // Unassigned: the device grain keeps "last seen" for the staff console and drops the report.
                return await DeviceGrain(message.DeviceId).StateReported(new DeviceStateReport(s.State, now));
            case InboundDeviceMessage.Announced a:
                _routes.TryRemove(message.DeviceId, out _);
                return await DeviceGrain(message.DeviceId).Announced(a.Announcement);
            case InboundDeviceMessage.AvailabilityChanged v:
                _routes.TryRemove(message.DeviceId, out _);
                return await DeviceGrain(message.DeviceId).AvailabilityChanged(v.Online, now);
            default:
                return false;
        }
    }

    private IDeviceGrain DeviceGrain(string deviceId) => _grains.GetGrain<IDeviceGrain>(deviceId);

    /// <summary>
    /// The device's room, as a grain reference kept with the route: making a reference resolves the grain interface's
    /// type by reflection each time, which was the largest allocation of a state report.
    /// </summary>
    private async ValueTask<IRoomGrain?> RoomOf(string deviceId)
    {
        var nowTicks = _time.GetTimestamp();
        if (_routes.TryGetValue(deviceId, out var route) && route.Expires > nowTicks)
        {
            return route.Room;
        }

        var roomId = await DeviceGrain(deviceId).RoomOf();

        // Only rooms are cached: a device staff have not assigned yet is looked up again on each report,
        // so it starts reaching its room as soon as it is assigned.
        if (roomId is null)
        {
            return null;
        }

        var room = route.Room is { } known && known.GetPrimaryKeyString() == roomId ? known : _grains.GetGrain<IRoomGrain>(roomId);
        _routes[deviceId] = (room, nowTicks + (long)(RouteLifetime.TotalSeconds * _time.TimestampFrequency));
        return room;
    }
}
