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
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
        await Task.WhenAll(rooms.Select(r => grains.GetGrain<IRoomGrain>(r.RoomId).Exists().AsTask()));
        logger.LogInformation("{Count} rooms active", rooms.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
