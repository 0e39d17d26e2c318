using SettingControl.Contracts;
using SettingControl.Mqtt;

namespace SettingControl.Host.Services;

/// <summary>
/// Keeps the room-count gauge current. Gauges are read synchronously by the metrics exporter and must not call
/// grains, so the count is refreshed here in the background and the gauge reads the last value.
/// </summary>
public sealed class FacilityGauges(IGrainFactory grains, DeviceLinkMetrics metrics, ILogger<FacilityGauges> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private int _rooms;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveRooms(() => Volatile.Read(ref _rooms));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
                Volatile.Write(ref _rooms, rooms.Count);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Could not count rooms for the gauge");
            }

            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
