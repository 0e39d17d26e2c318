using System.Text.Json.Serialization;
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
    /// <summary>
    /// A light as staff see it: what was registered, its login's username, whether it is online now (in the list), and
    /// its password (only in the answer to its registration, the one time it is seen).
    /// </summary>
    public sealed record JsonLightView : JsonLightRegistration
    {
        public JsonLightView(JsonLightRegistration light, string? password = null, string? availability = null)
            : base(light)
        {
            Password = password;
            Availability = availability;
        }

        public string Username => DeviceId;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Password { get; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Availability { get; }
    }

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
            return Results.Created($"/api/json-lights/{light.DeviceId}", new JsonLightView(light, password));
        });

        staff.MapGet("/", (JsonLightDirectory lights, JsonLightConvention convention) =>
            Results.Ok(lights.List().Select(l => new JsonLightView(l, availability: convention.AvailabilityOf(l.DeviceId)))));

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
