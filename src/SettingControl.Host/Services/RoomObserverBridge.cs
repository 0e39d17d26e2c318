using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SettingControl.Contracts;
using SettingControl.Host.Hubs;

namespace SettingControl.Host.Services;

/// <summary>
/// Forwards room grain notifications to the SignalR group of that room. Rooms are watched from the
/// first time a dashboard joins them; subscriptions are renewed well before the grain's observer
/// expiry so a watched room never goes quiet (push, never poll).
/// <para>
/// Two kinds of listener: a connection in <see cref="RoomsHub.GroupFor"/> gets each snapshot whole (<c>RoomChanged</c>);
/// a connection in <see cref="RoomsHub.PatchGroupFor"/> (the dashboard) gets only what changed (<c>RoomPatched</c>), as
/// a <see cref="SnapshotPatch"/> numbered in a per-room <see cref="RoomPatchStream"/>. A listener that misses a number
/// asks for the room again (<see cref="Seed"/>), so a lost or reordered patch costs one read, never a wrong screen.
/// </para>
/// </summary>
public sealed class RoomObserverBridge(
    IGrainFactory grains,
    IHubContext<RoomsHub> hub,
    IOptions<JsonHubProtocolOptions> json,
    ILogger<RoomObserverBridge> logger) : BackgroundService, IRoomObserver
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, byte> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RoomPatchStream> _patchStreams = new(StringComparer.Ordinal);
    private readonly JsonSerializerOptions _wire = json.Value.PayloadSerializerOptions;
    private readonly Lock _referenceLock = new();
    private IRoomObserver? _reference;

    public async Task WatchAsync(string roomId)
    {
        if (_watched.TryAdd(roomId, 0))
        {
            await grains.GetGrain<IRoomGrain>(roomId).Subscribe(Reference);
        }
    }

    /// <summary>Starts (or joins) the room's patch stream: see <see cref="RoomPatchStream.Seed"/>.</summary>
    public RoomWatch Seed(RoomSnapshot fresh) =>
        _patchStreams.GetOrAdd(fresh.RoomId, NewPatchStream).Seed(fresh);

    public void RoomChanged(RoomSnapshot snapshot)
    {
        Watch(hub.Clients.Group(RoomsHub.GroupFor(snapshot.RoomId)).SendAsync(RoomsHub.RoomChangedMethod, snapshot), snapshot.RoomId);
        if (_patchStreams.TryGetValue(snapshot.RoomId, out var stream))
        {
            stream.Changed(snapshot);
        }
    }

    private RoomPatchStream NewPatchStream(string roomId) =>
        new(roomId, _wire, patch => Watch(hub.Clients.Group(RoomsHub.PatchGroupFor(roomId)).SendAsync(RoomsHub.RoomPatchedMethod, patch), roomId), TimeProvider.System);

    private void Watch(Task send, string roomId)
    {
        if (!send.IsCompletedSuccessfully)
        {
            _ = send.ContinueWith(
                t => logger.LogWarning(t.Exception, "Pushing room {RoomId} to dashboards failed", roomId),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Subscribes again to every watched room. Besides every 30 s, at once when a node of the cluster was declared
    /// dead: its rooms wake on a surviving node knowing no observers, and the tablets watching them must not wait.
    /// </summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        foreach (var roomId in _watched.Keys)
        {
            try
            {
                await grains.GetGrain<IRoomGrain>(roomId).Subscribe(Reference);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Renewing the subscription to room {RoomId} failed", roomId);
            }
        }
    }

    private IRoomObserver Reference
    {
        get
        {
            lock (_referenceLock)
            {
                return _reference ??= grains.CreateObjectReference<IRoomObserver>(this);
            }
        }
    }
}
