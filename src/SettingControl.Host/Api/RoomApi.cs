using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Host.Services;
using SettingControl.Mqtt;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>REST for integrators and scripts (docs/api.md). Errors are RFC 7807 problem+json.</summary>
public static class RoomApi
{
    public static void MapRoomApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").ForKnownRooms();
        var control = api.MapGroup("").ControlsRoom();
        api.MapGet("/rooms", async (IGrainFactory grains) => Results.Ok(await RoomDirectory.ListAsync(grains)));
        api.MapGet("/rooms/{roomId}", GetRoom);
        control.MapPut("/rooms/{roomId}/lighting", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<SetLightingRequest>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.SetLighting(body!, ActorOf(http)));
        });
        control.MapPut("/rooms/{roomId}/mask", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<SetMaskRequest>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.SetMask(body!, ActorOf(http)));
        });
        api.MapGet("/diagnostics", (DeviceLinkMetrics metrics, ApiCounters counters, IDeviceLinkStatus link, SecurityCounters security) => Results.Ok(new
        {
            deviceLink = metrics.Snapshot(),
            brokerConnected = link.IsConnected,
            pendingCommands = link.PendingCommandCount,
            api = counters.Snapshot(),
            security = security.Snapshot(),
        })).ForStaff();
    }

    private static async Task<IResult> GetRoom(string roomId, IGrainFactory grains, ApiCounters counters)
    {
        var snapshot = Domain.Identifiers.IsValid(roomId) ? await grains.GetGrain<IRoomGrain>(roomId).GetSnapshot() : null;
        if (snapshot is null)
        {
            counters.NotFound();
            return RoomNotFound(roomId);
        }

        return Results.Ok(snapshot);
    }
}
