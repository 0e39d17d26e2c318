using Microsoft.AspNetCore.Mvc;
using SettingControl.DeviceProtocol;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Security;

namespace SettingControl.Host.Api;

/// <summary>
/// Staff-facing REST for device broker accounts and the generated Mosquitto files (docs/security.md).
/// Both groups are returned so the host can put its staff/admin authorization on them in one place.
/// </summary>
public static class DeviceCredentialsApi
{
    /// <summary>Maps <c>/api/devices/…/credentials</c> and <c>/api/mqtt/mosquitto/…</c>; returns the two route groups.</summary>
    public static (RouteGroupBuilder Credentials, RouteGroupBuilder MosquittoConfig) MapDeviceCredentialsApi(this WebApplication app)
    {
        var credentials = app.MapGroup("/api/devices").WithTags("device-credentials");

        // Creates or rotates the account; the password is in this answer and nowhere else, ever.
        credentials.MapPost("/{deviceId}/credentials", (string deviceId, MqttAccountStore accounts, ILogger<MqttAccountStore> logger) =>
        {
            if (!DeviceIds.IsValid(deviceId))
            {
                return InvalidDeviceId(deviceId);
            }

            try
            {
                var rotated = accounts.Has(deviceId);
                var password = accounts.IssueDevice(deviceId);
                logger.LogInformation("Broker account for device {DeviceId} {Action}", deviceId, rotated ? "rotated" : "created");
                return Results.Json(
                    new IssuedCredentials(deviceId, deviceId, password, rotated),
                    statusCode: rotated ? StatusCodes.Status200OK : StatusCodes.Status201Created);
            }
            catch (ArgumentException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "This id cannot have a device account.", detail: ex.Message);
            }
        });
        credentials.MapDelete("/{deviceId}/credentials", (string deviceId, MqttAccountStore accounts, ILogger<MqttAccountStore> logger) =>
        {
            if (!DeviceIds.IsValid(deviceId))
            {
                return InvalidDeviceId(deviceId);
            }

            if (!accounts.Revoke(deviceId))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Device '{deviceId}' has no broker account.");
            }

            logger.LogInformation("Broker account for device {DeviceId} revoked", deviceId);
            return Results.NoContent();
        });
        credentials.MapGet("/credentials", (MqttAccountStore accounts) => Results.Ok(accounts.List()));

        // For production on Mosquitto: the password file (hashes only) and the ACL file, generated from the accounts.
        var mosquitto = app.MapGroup("/api/mqtt/mosquitto").WithTags("mosquitto-config");
        mosquitto.MapGet("/passwd", (ControllerAccount controller, MqttAccountStore accounts) =>
            Results.Text(MosquittoConfig.PasswordFile(controller, accounts), "text/plain"));
        mosquitto.MapGet("/acl", ([FromServices] BrokerAccessPolicy policy, ControllerAccount controller, MqttAccountStore accounts) =>
            Results.Text(MosquittoConfig.AclFile(policy, controller, accounts), "text/plain"));
        return (credentials, mosquitto);
    }

    private static IResult InvalidDeviceId(string deviceId) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: $"'{deviceId}' is not a valid device id (a-z, 0-9, '-', '_', at most 64).");

    public sealed record IssuedCredentials(string DeviceId, string Username, string Password, bool Rotated);
}
