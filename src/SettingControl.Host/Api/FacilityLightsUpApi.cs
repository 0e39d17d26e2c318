using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Host.Services;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>
/// Lights up in every room at once, for an emergency (a fire alarm, an evacuation): one request, and each room the
/// caller may control takes its own Lights up, exactly as if its tablet had pressed it (devices first, kept even when
/// storage fails, recorded in its session). The answer comes once every room has answered and says which were lit.
/// </summary>
public static class FacilityLightsUpApi
{
    public sealed record RoomNotLit(string RoomId, string Reason);

    public sealed record FacilityLightsUpResult(int Rooms, IReadOnlyList<string> Lit, IReadOnlyList<RoomNotLit> NotLit);

    public static void MapFacilityLightsUpApi(this WebApplication app)
    {
        app.MapPost("/api/lights-up", async (HttpContext http, KnownRooms known, AccountService accounts, IGrainFactory grains) =>
        {
            if (await accounts.CurrentAsync(http.User) is not { } access)
            {
                return Results.Forbid();
            }

            var actor = ActorOf(http);
            var rooms = (await known.AllAsync()).Where(access.CanControl).Order(StringComparer.Ordinal).ToArray();

            // Every room at once: each is its own grain, so the rooms' Lights up run side by side.
            var results = await Task.WhenAll(rooms.Select(async roomId =>
                (RoomId: roomId, Result: await grains.GetGrain<IRoomGrain>(roomId).SessionCommand(SessionAction.LightsUp, actor))));
            var lit = results.Where(r => r.Result.Outcome == CommandOutcome.Accepted).Select(r => r.RoomId).ToArray();
            var notLit = results
                .Where(r => r.Result.Outcome != CommandOutcome.Accepted)
                .Select(r => new RoomNotLit(r.RoomId, r.Result.Errors.FirstOrDefault()?.Message ?? "The room did not answer."))
                .ToArray();
            return Results.Ok(new FacilityLightsUpResult(rooms.Length, lit, notLit));
        }).ControlsRoom();
    }
}
