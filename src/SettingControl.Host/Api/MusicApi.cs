using SettingControl.Audio.Outputs;
using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Host.Services;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>Music over REST: the playlists, a room's music (therapists) and its audio output (staff) (docs/api.md, docs/audio.md).</summary>
public static class MusicApi
{
    /// <summary>
    /// Body of PUT: <c>{"kind":"alsa","device":"default"}</c>, <c>{"kind":"file","path":"room-1.wav"}</c> (a file
    /// name in <c>Audio:FileOutputDirectory</c>) or <c>{"kind":"none"}</c>; checked by <see cref="AudioOutputRules"/>.
    /// In a cluster, <c>"node"</c> names the node (<c>Cluster:NodeName</c>) that has the sound card or the folder; the
    /// room is placed there while that node is up.
    /// <c>{"kind":"snapcast","server":"127.0.0.1","controlPort":1705,"streamPort":4953,"stream":"room-1"}</c> sends the room
    /// to a Snapcast server (the ports optional, with those defaults; docs/audio.md, "Snapcast"); an optional
    /// <c>"speakerVolume"</c> (0–100) is the level the room's speakers are kept at on the server (Client.SetVolume).
    /// </summary>
    public sealed record AudioOutputBody(string? Kind, string? Device, string? Path, string? Node = null, string? Server = null, int? ControlPort = null, int? StreamPort = null, string? Stream = null, int? SpeakerVolume = null);

    /// <summary>
    /// The configured output and what it is doing: <c>state</c> is "ok", "unavailable: …", or "refused: …" for a stored
    /// setting that breaks the rules. For a snapcast output, <c>speakers</c> lists the room's snapclients as the server
    /// reports them (empty until the room has played and the server answered).
    /// </summary>
    public sealed record AudioOutputDto(
        string Kind,
        string? Device,
        string? Path,
        bool Configured,
        string Output,
        string State,
        string? Node = null,
        string? Server = null,
        int? ControlPort = null,
        int? StreamPort = null,
        string? Stream = null,
        IReadOnlyList<SnapcastSpeaker>? Speakers = null,
        int? SpeakerVolume = null);

    public static void MapMusicApi(this WebApplication app)
    {
        var known = app.MapGroup("/api").ForKnownRooms();
        var control = known.MapGroup("").ControlsRoom();
        known.MapGet("/playlists", (IPlaylistCatalog playlists) => Results.Ok(playlists.List()));
        control.MapPut("/rooms/{roomId}/music", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<SetMusicRequest>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.SetMusic(body!, ActorOf(http)));
        });
        control.MapPost("/rooms/{roomId}/music/next", (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            RunRoomCommand(roomId, grains, counters, room => room.SkipTrack(1, ActorOf(http))));
        control.MapPost("/rooms/{roomId}/music/previous", (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            RunRoomCommand(roomId, grains, counters, room => room.SkipTrack(-1, ActorOf(http))));

        var api = app.MapGroup("/api");
        api.MapGet("/rooms/{roomId}/audio-output", async (string roomId, HttpContext http, IGrainFactory grains, EngineMusicPlayer music, ApiCounters counters) =>
            await RoomExists(http, grains, roomId) ? Results.Ok(await Describe(roomId, grains, music)) : NotFound(roomId, counters));
        api.MapPut("/rooms/{roomId}/audio-output", async (string roomId, HttpContext http, IGrainFactory grains, EngineMusicPlayer music, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<AudioOutputBody>(http, counters);
            if (problem is not null)
            {
                return problem;
            }

            if (!await RoomExists(http, grains, roomId))
            {
                return NotFound(roomId, counters);
            }

            var kind = body!.Kind?.Trim().ToLowerInvariant() ?? string.Empty;
            var node = string.IsNullOrWhiteSpace(body.Node) ? null : body.Node.Trim();
            var setting = kind == "snapcast"
                ? new AudioOutputSetting(
                    kind,
                    Node: node,
                    Server: body.Server?.Trim(),
                    ControlPort: body.ControlPort ?? SnapcastEndpoint.DefaultControlPort,
                    StreamPort: body.StreamPort ?? SnapcastEndpoint.DefaultStreamPort,
                    Stream: body.Stream?.Trim(),
                    SpeakerVolume: body.SpeakerVolume)
                : new AudioOutputSetting(kind, kind == "alsa" ? body.Device?.Trim() ?? "default" : null, kind == "file" ? body.Path?.Trim() : null, kind == "none" ? null : node);
            var error = music.OutputRules.Check(setting);
            if (error is null && setting.Node is { } named && !http.RequestServices.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Any(m => m.Name == named))
            {
                error = ("node", "No node of this facility has that name; give the Cluster:NodeName of the node with the sound card.");
            }

            if (error is not null)
            {
                counters.Invalid();
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { [error.Value.Field] = [error.Value.Message] },
                    title: "The audio output was refused; the room's output is unchanged.");
            }

            music.SetOutput(roomId, setting);
            if (setting.Node is { } home)
            {
                await grains.GetGrain<IRoomGrain>(roomId).MoveToNode(home);
            }

            return Results.Ok(await Describe(roomId, grains, music));
        }).ForStaff();

        // Snapserver cannot add streams at run time: staff paste these lines into snapserver.conf, as with Mosquitto's files.
        api.MapGet("/snapcast/streams", async (KnownRooms rooms, EngineMusicPlayer music) =>
        {
            music.ApplyStoredOutputs();
            var all = (await rooms.AllAsync()).Select(roomId => (roomId, music.OutputOf(roomId)));
            return Results.Text(SnapcastStreamLines.Generate(all, music.Engine.Format.SampleRate, music.Engine.Format.Channels), "text/plain");
        }).ForStaff();
    }

    /// <summary>The setting, and what the room's player makes of it on the node the room is on (perhaps not this one).</summary>
    private static async Task<AudioOutputDto> Describe(string roomId, IGrainFactory grains, EngineMusicPlayer music)
    {
        // What staff read is what is stored now, even when another node changed it a moment ago.
        music.ApplyStoredOutputs();
        var setting = music.OutputOf(roomId);
        var now = (await grains.GetGrain<IRoomGrain>(roomId).GetSnapshot())?.Music?.NowPlaying;
        var speakers = setting.Kind == "snapcast" ? music.SpeakersOf(roomId) : null;
        return new AudioOutputDto(
            setting.Kind,
            setting.Device,
            setting.Path,
            music.IsConfigured(roomId),
            now?.Output ?? "not started",
            now?.OutputState ?? "not started",
            setting.Node,
            setting.Server,
            setting.ControlPort,
            setting.StreamPort,
            setting.Stream,
            speakers,
            setting.SpeakerVolume);
    }

    /// <summary>Checked against the facility's room list first, so an unknown id never activates a room grain.</summary>
    private static async Task<bool> RoomExists(HttpContext http, IGrainFactory grains, string roomId) =>
        await http.RequestServices.GetRequiredService<KnownRooms>().ContainsAsync(roomId) && await grains.GetGrain<IRoomGrain>(roomId).Exists();

    private static IResult NotFound(string roomId, ApiCounters counters)
    {
        counters.NotFound();
        return RoomNotFound(roomId);
    }
}
