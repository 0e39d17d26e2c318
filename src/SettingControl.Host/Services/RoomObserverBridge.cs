using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using SettingControl.Contracts;
using SettingControl.Host.Hubs;

namespace SettingControl.Host.Services;

/// <summary>
/// Forwards room grain notifications to the SignalR group of that room. Rooms are watched from the
/// first time a dashboard joins them; subscriptions are renewed well before the grain's observer
/// expiry so a watched room never goes quiet (push, never poll).
/// </summary>
public sealed class RoomObserverBridge(
    IGrainFactory grains,
    IHubContext<RoomsHub> hub,
    ILogger<RoomObserverBridge> logger) : BackgroundService, IRoomObserver
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, byte> _watched = new(StringComparer.Ordinal);
    private readonly Lock _referenceLock = new();
    private IRoomObserver? _reference;

    public async Task WatchAsync(string roomId)
    {
        if (_watched.TryAdd(roomId, 0))
        {
            await grains.GetGrain<IRoomGrain>(roomId).Subscribe(Reference);
        }
    }

    public void RoomChanged(RoomSnapshot snapshot)
    {
        var send = hub.Clients.Group(RoomsHub.GroupFor(snapshot.RoomId)).SendAsync(RoomsHub.RoomChangedMethod, snapshot);
        if (!send.IsCompletedSuccessfully)
        {
            _ = send.ContinueWith(
                t => logger.LogWarning(t.Exception, "Pushing room {RoomId} to dashboards failed", snapshot.RoomId),
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
                foreach (var roomId in _watched.Keys)
                {
                    try
                    {
                        await grains.GetGrain<IRoomGrain>(roomId).Subscribe(Reference);
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        logger.LogWarning(ex, "Renewing the subscription to room {RoomId} failed", roomId);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
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
