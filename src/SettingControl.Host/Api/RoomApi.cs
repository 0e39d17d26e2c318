using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SettingControl.Contracts;
using SettingControl.Host.Services;
using SettingControl.Mqtt;

namespace SettingControl.Host.Api;

/// <summary>REST for integrators and scripts (docs/api.md). Errors are RFC 7807 problem+json.</summary>
public static class RoomApi
{
    public static void MapRoomApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/rooms", async (IGrainFactory grains) => Results.Ok(await RoomDirectory.ListAsync(grains)));
        api.MapGet("/rooms/{roomId}", GetRoom);
        api.MapPut("/rooms/{roomId}/lighting", (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            Command<SetLightingRequest>(roomId, http, counters, (room, body, actor) => grains.GetGrain<IRoomGrain>(room).SetLighting(body, actor)));
        api.MapPut("/rooms/{roomId}/mask", (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            Command<SetMaskRequest>(roomId, http, counters, (room, body, actor) => grains.GetGrain<IRoomGrain>(room).SetMask(body, actor)));
        api.MapGet("/diagnostics", (DeviceLinkMetrics metrics, ApiCounters counters, IDeviceLinkStatus link) => Results.Ok(new
        {
            deviceLink = metrics.Snapshot(),
            brokerConnected = link.IsConnected,
            pendingCommands = link.PendingCommandCount,
            api = counters.Snapshot(),
        }));
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

    private static async Task<IResult> Command<TBody>(
        string roomId,
        HttpContext http,
        ApiCounters counters,
        Func<string, TBody, Actor, Task<CommandResult>> send)
        where TBody : class
    {
        if (!Domain.Identifiers.IsValid(roomId))
        {
            counters.NotFound();
            return RoomNotFound(roomId);
        }

        TBody? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<TBody>(http.RequestAborted);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            counters.Malformed();
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The request body is not valid JSON for this command.",
                detail: ex is JsonException json ? $"{json.Message}" : ex.Message);
        }

        if (body is null)
        {
            counters.Malformed();
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A JSON request body is required.");
        }

        var actor = new Actor("api", http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        var result = await send(roomId, body, actor);
        switch (result.Outcome)
        {
            case CommandOutcome.Accepted:
                return Results.Ok(result.Snapshot);
            case CommandOutcome.RoomNotFound:
                counters.NotFound();
                return RoomNotFound(roomId);
            default:
                counters.Invalid();
                return Results.ValidationProblem(
                    result.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                    title: "The command was refused; the room is unchanged.");
        }
    }

    private static ProblemHttpResult RoomNotFound(string roomId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Room not found",
        detail: $"Room '{roomId}' does not exist.");
}
