using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SettingControl.Contracts;
using SettingControl.Host.Services;
using SettingControl.Mqtt.Conventions;

namespace SettingControl.Host.Api;

/// <summary>Shared plumbing of the REST routes: body reading, room lookup and problem+json answers.</summary>
public static class ApiResults
{
    /// <summary>Who made a REST change: the signed-in account ("user:ana") or API key ("key:night-script").</summary>
    public static Actor ActorOf(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { } name } && http.User.FindFirst(Security.AccountService.KindClaim)?.Value is { } kind
            ? new Actor(kind, name)
            : new Actor("api", http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>
    /// Routes with a <c>{roomId}</c>: a room the facility does not have is a 404 before any grain is touched
    /// (checked against <see cref="KnownRooms"/>, in memory), counted and logged only in a throttled line.
    /// </summary>
    public static TBuilder ForKnownRooms<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.GetRouteValue("roomId") is string roomId && !await http.RequestServices.GetRequiredService<KnownRooms>().ContainsAsync(roomId))
            {
                http.RequestServices.GetRequiredService<ApiCounters>().NotFound();
                http.RequestServices.GetRequiredService<RefusalLog>().NotFound("room", roomId);
                return RoomNotFound(roomId);
            }

            return await next(context);
        });

    /// <summary>Reads a JSON body; a missing or malformed body is a 400 problem naming what is wrong.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadBody<T>(HttpContext http, ApiCounters counters)
        where T : class
    {
        try
        {
            var body = await http.Request.ReadFromJsonAsync<T>(http.RequestAborted);
            if (body is null)
            {
                counters.Malformed();
                return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A JSON request body is required."));
            }

            return (body, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            counters.Malformed();
            return (null, Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The request body is not valid JSON for this command.",
                detail: ex.Message));
        }
    }

    /// <summary>Runs a room command and turns its outcome into 200 / 400 / 404.</summary>
    public static async Task<IResult> RunRoomCommand(
        string roomId,
        IGrainFactory grains,
        ApiCounters counters,
        Func<IRoomGrain, Task<CommandResult>> command,
        Func<RoomSnapshot, IResult>? accepted = null)
    {
        if (!Domain.Identifiers.IsValid(roomId))
        {
            counters.NotFound();
            return RoomNotFound(roomId);
        }

        var result = await command(grains.GetGrain<IRoomGrain>(roomId));
        switch (result.Outcome)
        {
            case CommandOutcome.Accepted:
                return accepted?.Invoke(result.Snapshot!) ?? Results.Ok(result.Snapshot);
            case CommandOutcome.RoomNotFound:
                counters.NotFound();
                return RoomNotFound(roomId);
            case CommandOutcome.StorageUnavailable:
                return StorageUnavailable(result.Errors);
            default:
                counters.Invalid();
                return Results.ValidationProblem(
                    result.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                    title: "The command was refused; the room is unchanged.");
        }
    }

    /// <summary>Storage refused the write: 503 with the plain reason, and the room as it was.</summary>
    /// <summary>A refused device registration: 409 when a topic or id is taken, else 400, with the refusals by field.</summary>
    public static IResult RegistrationRefused(IReadOnlyList<RegistrationRefusal> refusals, string title, ApiCounters counters)
    {
        counters.Invalid();
        return Results.ValidationProblem(
            refusals.GroupBy(r => r.Field).ToDictionary(g => g.Key, g => g.Select(r => r.Message).ToArray()),
            title: title,
            statusCode: refusals.Any(r => r.Conflict) ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
    }

    /// <summary>The answer to removing a registered device that is not there.</summary>
    public static IResult RegisteredDeviceNotFound(string title, ApiCounters counters)
    {
        counters.NotFound();
        return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: title);
    }

    public static ProblemHttpResult StorageUnavailable(IReadOnlyList<FieldError> errors) => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "The change could not be saved; the room is unchanged.",
        detail: string.Join(" ", errors.Select(e => e.Message)));

    public static ProblemHttpResult RoomNotFound(string roomId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Room not found",
        detail: $"Room '{roomId}' does not exist.");
}
