using SettingControl.Host.Security;
using SettingControl.Host.Services;
using SettingControl.Mqtt.Conventions.HomeAssistantJson;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>
/// Staff: Home Assistant JSON lights, ESPHome and custom firmware (docs/devices.md, "Home Assistant JSON lights").
/// Registering one records its topics and ranges and issues its own broker login, allowed exactly those topics; the
/// light then appears with the other devices when it speaks, to be assigned to a room as any device is.
/// </summary>
public static class JsonLightApi
{
    /// <summary>The answer to a registration: the only time the password is seen.</summary>
    public sealed record RegisteredJsonLight(
        string DeviceId,
        string Name,
        string Username,
        string Password,
        string CommandTopic,
        string StateTopic,
        string? AvailabilityTopic,
        string PayloadAvailable,
        string PayloadNotAvailable,
        int BrightnessScale,
        int MinMireds,
        int MaxMireds,
        int MaxTransitionMs);

    /// <summary>A light as staff see it: what was registered, and whether it is online now.</summary>
    public sealed record JsonLightView(
        string DeviceId,
        string Name,
        string Username,
        string CommandTopic,
        string StateTopic,
        string? AvailabilityTopic,
        string PayloadAvailable,
        string PayloadNotAvailable,
        int BrightnessScale,
        int MinMireds,
        int MaxMireds,
        int MaxTransitionMs,
        DateTimeOffset CreatedAt,
        string Availability);

    public static void MapJsonLightApi(this WebApplication app)
    {
        var staff = app.MapGroup("/api/json-lights").ForStaff().WithTags("json-lights");

        staff.MapPost("/", async (HttpContext http, JsonLightDirectory lights, TimeProvider time, ApiCounters counters, ILogger<JsonLightDirectory> logger) =>
        {
            var (body, problem) = await ReadBody<JsonLightRequest>(http, counters);
            if (problem is not null)
            {
                return problem;
            }

            var (light, password, refusals) = lights.Register(body!, time.GetUtcNow());
            if (light is null)
            {
                return RegistrationRefused(refusals, "The light was not registered.", counters);
            }

            logger.LogInformation("Home Assistant JSON light {DeviceId} registered on command topic {CommandTopic}", light.DeviceId, light.CommandTopic);
            return Results.Created(
                $"/api/json-lights/{light.DeviceId}",
                new RegisteredJsonLight(
                    light.DeviceId, light.Name, light.DeviceId, password!, light.CommandTopic, light.StateTopic, light.AvailabilityTopic,
                    light.PayloadAvailable, light.PayloadNotAvailable, light.BrightnessScale, light.MinMireds, light.MaxMireds, light.MaxTransitionMs));
        });

        staff.MapGet("/", (JsonLightDirectory lights, JsonLightConvention convention) => Results.Ok(lights.List().Select(l => new JsonLightView(
            l.DeviceId, l.Name, l.DeviceId, l.CommandTopic, l.StateTopic, l.AvailabilityTopic, l.PayloadAvailable, l.PayloadNotAvailable,
            l.BrightnessScale, l.MinMireds, l.MaxMireds, l.MaxTransitionMs, l.CreatedAt, convention.AvailabilityOf(l.DeviceId)))));

        staff.MapDelete("/{deviceId}", (string deviceId, JsonLightDirectory lights, ApiCounters counters, ILogger<JsonLightDirectory> logger) =>
        {
            if (!lights.Remove(deviceId))
            {
                return RegisteredDeviceNotFound("There is no such light.", counters);
            }

            logger.LogInformation("Home Assistant JSON light {DeviceId} removed; its broker login is revoked", deviceId);
            return Results.NoContent();
        });
    }
}
