using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// Wakes every room once the silo is up, so a session that was running when the host stopped carries
/// on at once (its clock is recomputed from persisted timestamps) instead of waiting for a dashboard or
/// a device to touch the room. This is what stands in for Orleans reminders: the clock itself is a grain
/// timer that only needs the room to be active.
/// </summary>
public sealed class RoomActivator(IGrainFactory grains, ILogger<RoomActivator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        logger.LogInformation("{Count} rooms active", await ActivateAllAsync());

    /// <summary>
    /// Wakes every room; at start, and in a cluster when a node was declared dead, so its rooms carry on on a
    /// surviving node at once (their clocks, fades and Lights up re-asserted) instead of at the next call.
    /// </summary>
    public async Task<int> ActivateAllAsync()
    {
        var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
        await Task.WhenAll(rooms.Select(r => grains.GetGrain<IRoomGrain>(r.RoomId).Exists().AsTask()));
        return rooms.Count;
    }

    /// <summary>
    /// Wakes every room and has it tell its devices where its light is and is going: in a cluster, once a node was
    /// declared dead, so its rooms' devices hear from the node that now carries them (the rest of a fade included).
    /// </summary>
    public async Task<int> ReassertAllAsync()
    {
        var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
        await Task.WhenAll(rooms.Select(r => grains.GetGrain<IRoomGrain>(r.RoomId).ReassertDevices()));
        return rooms.Count;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
