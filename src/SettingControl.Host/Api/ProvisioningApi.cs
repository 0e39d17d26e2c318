using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Host.Services;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>Staff: rooms (create, rename, settings, retire) and devices (list, assign, release). docs/api.md, "Provisioning".</summary>
public static class ProvisioningApi
{
    public sealed record CreateRoomBody(string? RoomId, string? Name);

    public sealed record AssignBody(string? RoomId, string? Kind);

    public static void MapProvisioningApi(this WebApplication app)
    {
        var staff = app.MapGroup("/api").ForStaff();

        staff.MapPost("/rooms", async (HttpContext http, IGrainFactory grains, ApiCounters counters, KnownRooms knownRooms) =>
        {
            var (body, problem) = await ReadBody<CreateRoomBody>(http, counters);
            if (problem is not null)
            {
                return problem;
            }

            var roomId = body!.RoomId?.Trim() ?? string.Empty;
            var errors = await Facility(grains).CreateRoom(roomId, body.Name ?? roomId);
            if (errors.Count > 0)
            {
                var taken = await knownRooms.ContainsAsync(roomId);
                return Refused(counters, errors, "The room was not created.", taken ? 409 : 400);
            }

            await knownRooms.RefreshAsync();

            return Results.Created($"/api/rooms/{roomId}", await grains.GetGrain<IRoomGrain>(roomId).GetSnapshot());
        });

        staff.MapPatch("/rooms/{roomId}", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<UpdateRoomSettingsRequest>(http, counters);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Name is { } name)
            {
                var errors = await Facility(grains).RenameRoom(roomId, name);
                if (errors.Count > 0)
                {
                    return errors[0].Field == "roomId" ? NotFound(counters, roomId) : Refused(counters, errors, "The room was not renamed.");
                }
            }

            return await RunRoomCommand(roomId, grains, counters, room => room.UpdateSettings(body, ActorOf(http)));
        });

        staff.MapDelete("/rooms/{roomId}", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters, KnownRooms knownRooms) =>
        {
            var result = await Facility(grains).RetireRoom(roomId, ActorOf(http));
            await knownRooms.RefreshAsync();
            return result.Outcome switch
            {
                CommandOutcome.Accepted => Results.NoContent(),
                CommandOutcome.RoomNotFound => NotFound(counters, roomId),
                _ => Refused(counters, result.Errors, "The room was not retired."),
            };
        });

        staff.MapGet("/devices", async (IGrainFactory grains) =>
        {
            var ids = await Facility(grains).ListDeviceIds();
            var devices = await Task.WhenAll(ids.Select(id => grains.GetGrain<IDeviceGrain>(id).GetInfo().AsTask()));

            // An assigned device's room knows its availability best (idle device grains are not kept in memory).
            var roomIds = devices.Select(d => d.RoomId).OfType<string>().Distinct().ToArray();
            var snapshots = (await Task.WhenAll(roomIds.Select(r => grains.GetGrain<IRoomGrain>(r).GetSnapshot().AsTask())))
                .OfType<RoomSnapshot>()
                .SelectMany(r => r.Devices)
                .ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
            return Results.Ok(devices.Select(d => snapshots.TryGetValue(d.DeviceId, out var live)
                ? d with { Availability = live.Availability, LastSeen = live.LastSeen ?? d.LastSeen, Model = live.Model ?? d.Model, Firmware = live.Firmware ?? d.Firmware }
                : d));
        });

        staff.MapPut("/devices/{deviceId}/room", async (string deviceId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<AssignBody>(http, counters);
            if (problem is not null)
            {
                return problem;
            }

            var errors = await Facility(grains).AssignDevice(deviceId, body!.RoomId ?? string.Empty, body.Kind);
            return errors.Count > 0
                ? Refused(counters, errors, "The device was not assigned.")
                : Results.Ok(await grains.GetGrain<IDeviceGrain>(deviceId).GetInfo());
        });

        staff.MapDelete("/devices/{deviceId}/room", async (string deviceId, IGrainFactory grains, ApiCounters counters) =>
        {
            var errors = await Facility(grains).UnassignDevice(deviceId);
            return errors.Count > 0 ? Refused(counters, errors, "The device was not released.") : Results.NoContent();
        });
    }

    private static IFacilityGrain Facility(IGrainFactory grains) => grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key);

    private static IResult NotFound(ApiCounters counters, string roomId)
    {
        counters.NotFound();
        return RoomNotFound(roomId);
    }

    private static IResult Refused(ApiCounters counters, IReadOnlyList<FieldError> errors, string title, int status = 400)
    {
        counters.Invalid();
        return Results.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: title,
            statusCode: status);
    }
}
