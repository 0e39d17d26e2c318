using SettingControl.Host.Security;
using SettingControl.Host.Services;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions.Zigbee2Mqtt;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>
/// Staff: Zigbee2MQTT bridges (docs/devices.md, "Zigbee2MQTT"). Registering one issues its broker login, bound to its
/// base topic; its bulbs then appear with the other devices, to be assigned to rooms as any device is.
/// </summary>
public static class BridgesApi
{
    public sealed record RegisterBridgeBody(string? Kind, string? BaseTopic, string? Name);

    /// <summary>The answer to a registration: the only time the password is seen.</summary>
    public sealed record RegisteredBridge(string BridgeId, string Kind, string BaseTopic, string Name, string Username, string Password);

    /// <summary>A bridge as staff see it: what was registered, and what the bridge itself says now.</summary>
    public sealed record BridgeView(
        string BridgeId,
        string Kind,
        string BaseTopic,
        string Name,
        string Username,
        DateTimeOffset CreatedAt,
        string Availability,
        string? Version,
        int DeviceCount,
        int LightCount);

    public static void MapBridgesApi(this WebApplication app)
    {
        var staff = app.MapGroup("/api/bridges").ForStaff().WithTags("bridges");

        staff.MapPost("/", async (HttpContext http, BridgeDirectory bridges, ApiCounters counters, ILogger<BridgeDirectory> logger) =>
        {
            var (body, problem) = await ReadBody<RegisterBridgeBody>(http, counters);
            if (problem is not null)
            {
                return problem;
            }

            var (bridge, password, refusals) = bridges.Register(body!.Kind, body.BaseTopic?.Trim(), body.Name);
            if (bridge is null)
            {
                counters.Invalid();
                return Results.ValidationProblem(
                    refusals.GroupBy(r => r.Field).ToDictionary(g => g.Key, g => g.Select(r => r.Message).ToArray()),
                    title: "The bridge was not registered.",
                    statusCode: refusals.Any(r => r.Message.Contains("overlaps", StringComparison.Ordinal)) ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
            }

            logger.LogInformation("Bridge {BridgeId} registered on base topic {BaseTopic}", bridge.BridgeId, bridge.BaseTopic);
            return Results.Created(
                $"/api/bridges/{bridge.BridgeId}",
                new RegisteredBridge(bridge.BridgeId, bridge.Kind, bridge.BaseTopic, bridge.Name, bridge.BridgeId, password!));
        });

        staff.MapGet("/", (BridgeDirectory bridges, Zigbee2MqttConvention zigbee) => Results.Ok(bridges.List().Select(b =>
        {
            var status = zigbee.StatusOf(b.BaseTopic);
            return new BridgeView(b.BridgeId, b.Kind, b.BaseTopic, b.Name, b.BridgeId, b.CreatedAt, status.Availability, status.Version, status.DeviceCount, status.LightCount);
        })));

        staff.MapDelete("/{bridgeId}", (string bridgeId, BridgeDirectory bridges, ApiCounters counters, ILogger<BridgeDirectory> logger) =>
        {
            if (!bridges.Remove(bridgeId))
            {
                counters.NotFound();
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such bridge.");
            }

            logger.LogInformation("Bridge {BridgeId} removed; its broker login is revoked", bridgeId);
            return Results.NoContent();
        });
    }
}
