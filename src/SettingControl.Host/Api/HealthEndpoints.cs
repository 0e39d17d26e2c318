using SettingControl.Contracts;
using SettingControl.Mqtt;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Host.Api;

public static class HealthEndpoints
{
    /// <summary><c>/healthz</c>: 200 only when the silo answers, storage can be queried and the device link is connected.</summary>
    public static void MapHealthEndpoints(this WebApplication app)
    {
        // The cheapest answer Kestrel can give: a liveness probe, and the HTTP floor the benchmarks compare against.
        app.MapGet("/ping", () => Results.Text("pong")).AllowAnonymous();

        app.MapGet("/healthz", async (IGrainFactory grains, IStorageHealth storage, IDeviceLinkStatus link, CancellationToken ct) =>
        {
            var siloUp = false;
            try
            {
                await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms().WaitAsync(TimeSpan.FromSeconds(2), ct);
                siloUp = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
            }

            var storageUp = await storage.IsHealthyAsync(ct);
            var brokerUp = link.IsConnected;
            var healthy = siloUp && storageUp && brokerUp;
            var body = new
            {
                status = healthy ? "healthy" : "unhealthy",
                silo = siloUp ? "up" : "down",
                storage = storageUp ? "up" : "down",
                broker = brokerUp ? "connected" : "disconnected",
            };
            return Results.Json(body, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();
    }
}
