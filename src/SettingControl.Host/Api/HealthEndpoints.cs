using SettingControl.Contracts;
using SettingControl.Contracts.Storage;
using SettingControl.Mqtt;

namespace SettingControl.Host.Api;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>/ping</c>: liveness (the process answers). <c>/readyz</c>: readiness, 503 with the reasons when the silo,
    /// the storage or the broker link is not usable. <c>/healthz</c>: the same checks in its original shape, kept for
    /// the scripts and tests that use it.
    /// </summary>
    public static void MapHealthEndpoints(this WebApplication app)
    {
        // The cheapest answer Kestrel can give: a liveness probe, and the HTTP floor the benchmarks compare against.
        app.MapGet("/ping", () => Results.Text("pong")).AllowAnonymous();

        app.MapGet("/readyz", async (IGrainFactory grains, IStorageHealth storage, RoomsAheadOfStorage unsaved, IDeviceLinkStatus link, CancellationToken ct) =>
        {
            var readiness = await CheckAsync(grains, storage, unsaved, link, ct);
            return Results.Json(
                new
                {
                    status = readiness.Ready ? "ready" : "not ready",
                    checks = new
                    {
                        silo = readiness.SiloUp ? "up" : "down",
                        storage = readiness.StorageUp ? "up" : "failing",
                        broker = readiness.BrokerUp ? "connected" : "disconnected",
                    },
                    reasons = readiness.Reasons,
                    pendingCommands = link.PendingCommandCount,
                },
                statusCode: readiness.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();

        app.MapGet("/healthz", async (IGrainFactory grains, IStorageHealth storage, RoomsAheadOfStorage unsaved, IDeviceLinkStatus link, CancellationToken ct) =>
        {
            var readiness = await CheckAsync(grains, storage, unsaved, link, ct);
            var body = new
            {
                status = readiness.Ready ? "healthy" : "unhealthy",
                silo = readiness.SiloUp ? "up" : "down",
                storage = readiness.StorageUp ? "up" : "down",
                broker = readiness.BrokerUp ? "connected" : "disconnected",
            };
            return Results.Json(body, statusCode: readiness.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();
    }

    private static async Task<Readiness> CheckAsync(IGrainFactory grains, IStorageHealth storage, RoomsAheadOfStorage unsaved, IDeviceLinkStatus link, CancellationToken ct)
    {
        var reasons = new List<string>();
        var siloUp = false;
        try
        {
            await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms().WaitAsync(TimeSpan.FromSeconds(2), ct);
            siloUp = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            reasons.Add($"silo: the facility grain did not answer ({ex.GetType().Name})");
        }

        // Readiness follows the last write, not just a read: a full disk still reads but stores nothing.
        var storageAnswers = await storage.IsHealthyAsync(ct);
        var ahead = unsaved.Count;
        var storageUp = storageAnswers && storage.LastWriteProblem is null && ahead == 0;
        if (ahead > 0 && storage.LastWriteProblem is null)
        {
            reasons.Add($"storage write failing: {ahead} room(s) hold a Lights up not yet saved");
        }

        if (storage.LastWriteProblem is { } problem)
        {
            reasons.Add($"storage write failing: {problem.PlainReason} (since {problem.Since:HH:mm:ss} UTC)");
        }
        else if (!storageAnswers)
        {
            reasons.Add("storage: the grain database does not answer");
        }

        var brokerUp = link.IsConnected;
        if (!brokerUp)
        {
            reasons.Add("broker: the device link is not connected to the MQTT broker; commands are queued");
        }

        return new Readiness(siloUp, storageUp, brokerUp, reasons);
    }

    private sealed record Readiness(bool SiloUp, bool StorageUp, bool BrokerUp, IReadOnlyList<string> Reasons)
    {
        public bool Ready => SiloUp && StorageUp && BrokerUp;
    }
}
