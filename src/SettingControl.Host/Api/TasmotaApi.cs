using SettingControl.Host.Security;
using SettingControl.Host.Services;
using SettingControl.Mqtt.Conventions.Tasmota;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>
/// Staff: Tasmota devices (docs/devices.md, "Tasmota"). Registering one issues its own broker login, bound to its
/// Tasmota topic; the device then appears with the others when it connects, to be assigned to a room as any device is.
/// </summary>
public static class TasmotaApi
{
    public sealed record RegisterTasmotaBody(string? Topic, string? Name);

    /// <summary>The answer to a registration: the only time the password is seen.</summary>
    public sealed record RegisteredTasmota(string DeviceId, string Topic, string Name, string Username, string Password);

    /// <summary>A Tasmota device as staff see it: what was registered, and what the device itself says now.</summary>
    public sealed record TasmotaView(string DeviceId, string Topic, string Name, string Username, DateTimeOffset CreatedAt, string Availability, string? Module, string? Version);

    public static void MapTasmotaApi(this WebApplication app)
    {
        var staff = app.MapGroup("/api/tasmota").ForStaff().WithTags("tasmota");

        staff.MapPost("/", async (HttpContext http, TasmotaDirectory devices, TimeProvider time, ApiCounters counters, ILogger<TasmotaDirectory> logger) =>
        {
            var (body, problem) = await ReadBody<RegisterTasmotaBody>(http, counters);
            if (problem is not null)
            {
                return problem;
            }

            var (device, password, refusals) = devices.Register(body!.Topic?.Trim(), body.Name, time.GetUtcNow());
            if (device is null)
            {
                return RegistrationRefused(refusals, "The Tasmota device was not registered.", counters);
            }

            logger.LogInformation("Tasmota device {DeviceId} registered on topic {Topic}", device.DeviceId, device.Topic);
            return Results.Created(
                $"/api/tasmota/{device.DeviceId}",
                new RegisteredTasmota(device.DeviceId, device.Topic, device.Name, device.DeviceId, password!));
        });

        staff.MapGet("/", (TasmotaDirectory devices, TasmotaConvention tasmota) => Results.Ok(devices.List().Select(d =>
        {
            var status = tasmota.StatusOf(d.DeviceId);
            return new TasmotaView(d.DeviceId, d.Topic, d.Name, d.DeviceId, d.CreatedAt, status.Availability, status.Module, status.Version);
        })));

        staff.MapDelete("/{deviceId}", (string deviceId, TasmotaDirectory devices, ApiCounters counters, ILogger<TasmotaDirectory> logger) =>
        {
            if (!devices.Remove(deviceId))
            {
                return RegisteredDeviceNotFound("There is no such Tasmota device.", counters);
            }

            logger.LogInformation("Tasmota device {DeviceId} removed; its broker login is revoked", deviceId);
            return Results.NoContent();
        });
    }
}
