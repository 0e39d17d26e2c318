using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SettingControl.Audio;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;
using SettingControl.Domain;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Room speakers over the network (issue 17): a private snapserver configured with the stream lines SettingControl
/// generates, a real snapclient writing what it plays to a file, and the room's music measured in that file.
/// </summary>
[Collection(RealTimeSound.Name)]
public sealed class SnapcastTests(ITestOutputHelper output) : IDisposable
{
    private const int Rate = 48_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("settingcontrol-snapcast-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Tone = """{ "title": "Tone", "tracks": [ { "title": "A", "source": "generator:sine?freq=440&seconds=600&level=-6" } ] }""";

    [Fact]
    public async Task A_rooms_tone_plays_on_a_real_snapclient_ramps_on_a_volume_change_and_is_silent_when_silenced()
    {
        var streamPort = FreePorts.Next();
        var setting = new AudioOutputSetting("snapcast", Server: "127.0.0.1", StreamPort: streamPort, Stream: "room-1");
        await using var server = await SnapcastServer.StartAsync(_directory, Lines("room-1", setting));
        setting = setting with { ControlPort = server.ControlPort };
        await using var speaker = SnapclientProcess.Start(server.ClientPort, "room-1.left", Path.Combine(_directory, "room-1-left.pcm"));
        using var engine = Engine(setting);
        var room = engine.Room("room-1");
        room.Apply(new MusicSetting("tone", true, 100), false);

        var snapcast = await Eventually.ValueAsync(
            () => Task.FromResult(room.Output as SnapcastOutput),
            o => o is { State: "ok", Clients: [{ Connected: true }] },
            Patience,
            "the room's snapcast output ok with its speaker connected");
        Assert.Equal(new[] { new SnapcastSpeaker("room-1.left", true) }, snapcast!.Clients);
        // What the room's dashboard lists: the speaker by the name the room knows it by (published with the next block).
        await Eventually.TrueAsync(() => room.NowPlaying().Speakers is [{ Name: "left", Connected: true }], Patience, "the room's now playing listing its speaker connected");
        Assert.Equal($"snapcast:room-1@127.0.0.1:{streamPort}", room.NowPlaying().Output);

        // About a second from the engine to the speaker (snapserver's buffer): wait for two seconds of tone in the file.
        var heard = await HeardAsync(speaker, Steady, "the tone in the snapclient's file");
        var rms = Rms(heard);
        var frequency = ZeroCrossingFrequency(heard);
        output.WriteLine($"snapclient played RMS {rms:0.0000} (sine at -6 dBFS: 0.3544), {frequency:0.0} Hz");
        Assert.InRange(rms, 0.33, 0.37);
        Assert.InRange(frequency, 437, 443);

        // Volume 100 → 25 (gain 1 → 0.0625) over Audio:VolumeRampSeconds = 1: in the file a ramp, not a step.
        var before = speaker.Frames;
        room.Apply(new MusicSetting("tone", true, 25), false);
        await Eventually.TrueAsync(() => speaker.Frames > before + (4 * Rate), Patience, "four more seconds in the snapclient's file");
        var window = 1200; // 25 ms: eleven whole periods of 440 Hz, so a window's RMS has no ripple of its own
        var levels = Windows(speaker.Read(before)[..(4 * Rate * 2)], window);
        var (high, low) = (levels[..8].Average(), levels[^8..].Average());
        var between = levels.Count(l => l > high * 0.1 && l < high * 0.9);
        output.WriteLine($"volume 100→25 on the speaker: RMS {high:0.0000} → {low:0.0000}; {between * window * 1000 / Rate} ms between 10 % and 90 %");
        output.WriteLine($"blocks the output dropped (the sender behind): {snapcast.DroppedBlocks}");
        Assert.InRange(high, 0.33, 0.37);
        Assert.InRange(low / high, 0.0625 * 0.9, 0.0625 * 1.1);
        Assert.InRange(between, 20, 45); // a linear 1 s gain ramp spends ~0.85 s there; a step none
        for (var i = 1; i < levels.Length; i++)
        {
            Assert.True(levels[i] <= (levels[i - 1] * 1.05) + 0.002, $"the level rose during a volume decrease at window {i}: {levels[i - 1]:0.0000} → {levels[i]:0.0000}");
        }

        // Silence as a choice: the speaker plays exact zeros.
        room.Apply(new MusicSetting("tone", false, 25), false);
        var silent = await HeardAsync(speaker, s => s.All(x => x == 0), "silence in the snapclient's file");
        Assert.Equal(0, Rms(silent));
    }

    [Fact]
    public async Task Without_the_server_the_room_keeps_its_clock_and_says_so_and_recovers_and_a_killed_speaker_shows_not_connected()
    {
        var streamPort = FreePorts.Next();
        var setting = new AudioOutputSetting("snapcast", Server: "127.0.0.1", StreamPort: streamPort, Stream: "room-1");
        await using var server = await SnapcastServer.StartAsync(_directory, Lines("room-1", setting));
        setting = setting with { ControlPort = server.ControlPort };
        await using var speaker = SnapclientProcess.Start(server.ClientPort, "room-1", Path.Combine(_directory, "room-1.pcm"));
        using var engine = Engine(setting);
        var room = engine.Room("room-1");
        room.Apply(new MusicSetting("tone", true, 100), false);
        await Eventually.TrueAsync(() => room.Output is SnapcastOutput { State: "ok", Clients: [{ Connected: true }] }, Patience, "the room playing to its connected speaker");

        server.Kill();
        await Eventually.TrueAsync(
            () => room.NowPlaying().OutputState.StartsWith("unavailable: ", StringComparison.Ordinal) && room.NowPlaying().OutputState.Contains("Snapcast server", StringComparison.Ordinal),
            Patience,
            "the output unavailable with the server gone");
        output.WriteLine($"server killed: {room.NowPlaying().OutputState}");
        var position = room.NowPlaying().PositionSeconds;
        await Eventually.TrueAsync(() => room.NowPlaying().PositionSeconds > position + 2, Patience, "the room's clock going on without the server");
        Assert.True(room.NowPlaying().Playing);

        await server.StartAsync();
        await Eventually.TrueAsync(
            () => room.Output is SnapcastOutput { State: "ok", Clients: [{ Connected: true }] },
            Patience,
            "the output ok again, its speaker back, once the server returns");
        var heard = await HeardAsync(speaker, Steady, "the tone on the speaker again");
        Assert.InRange(ZeroCrossingFrequency(heard), 437, 443);

        speaker.Kill();
        await Eventually.TrueAsync(
            () => room.Output is SnapcastOutput { Clients: [{ Name: "room-1", Connected: false }] } o && o.State == "unavailable: none of the room's speakers is connected to the Snapcast server",
            Patience,
            "the killed speaker shown not connected");
        await Eventually.TrueAsync(() => room.NowPlaying().Speakers is [{ Name: "speaker", Connected: false }], Patience, "the room's now playing listing its speaker not connected");
    }

    [Fact]
    public async Task Staff_set_a_snapcast_output_through_the_API_generate_the_stream_lines_and_see_the_rooms_speaker()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 2, runSimulatedDevices: false, extra: new Dictionary<string, string>
        {
            ["Audio:DefaultOutput"] = "none",
        });
        using var staff = await host.SignInAsync("staff");
        using var therapist = await host.SignInAsync("therapist");

        // Bad input: a clear 400 naming the field, and nothing changes.
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { kind = "snapcast", server = "http://10.0.0.5", stream = "room-1" }, "server"),
            (new { kind = "snapcast", server = "snap server", stream = "room-1" }, "server"),
            (new { kind = "snapcast", server = "10.0.0.5/x", stream = "room-1" }, "server"),
            (new { kind = "snapcast", server = "127.0.0.1", controlPort = 0, stream = "room-1" }, "controlPort"),
            (new { kind = "snapcast", server = "127.0.0.1", streamPort = 70000, stream = "room-1" }, "streamPort"),
            (new { kind = "snapcast", server = "127.0.0.1", stream = "room 1&mode=client" }, "stream"),
            (new { kind = "snapcast", server = "127.0.0.1" }, "stream"),
            (new { kind = "snapcast", server = "127.0.0.1", stream = "room-1", speakerVolume = 150 }, "speakerVolume"),
        })
        {
            var refused = await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{JsonSerializer.Serialize(body)} refused without naming '{field}': {problem}");
        }

        Assert.Equal("none", (await staff.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output"))!.Kind);
        Assert.Equal(HttpStatusCode.Forbidden, (await therapist.GetAsync("/api/snapcast/streams")).StatusCode);

        // The ports left out take the defaults; then a real server's ports.
        var defaults = await (await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "snapcast", server = "127.0.0.1", stream = "room-1" })).Content.ReadFromJsonAsync<AudioOutput>();
        Assert.Equal(("snapcast", "127.0.0.1", 1705, 4953, "room-1"), (defaults!.Kind, defaults.Server, defaults.ControlPort, defaults.StreamPort, defaults.Stream));

        var streamPort = FreePorts.Next();
        var controlPlaceholder = FreePorts.Next();
        (await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "snapcast", server = "127.0.0.1", controlPort = controlPlaceholder, streamPort, stream = "room-1" })).EnsureSuccessStatusCode();
        var streams = await staff.GetAsync("/api/snapcast/streams");
        Assert.Equal("text/plain", streams.Content.Headers.ContentType!.MediaType);
        var lines = await streams.Content.ReadAsStringAsync();
        output.WriteLine(lines);
        Assert.Contains($"source = tcp://127.0.0.1:{streamPort}?name=room-1&mode=server&sampleformat=48000:16:2", lines);
        Assert.Contains("source = tcp://127.0.0.1:4953?name=room-2&mode=server&sampleformat=48000:16:2", lines);

        // Snapserver's control port is known once it runs on a free one: staff set it as they would a real one. Only
        // room-1's line goes to the server: room-2's suggested port is not a free one of this test's.
        await using var server = await SnapcastServer.StartAsync(_directory, string.Join('\n', lines.Split('\n').Where(l => l.Contains("name=room-1&", StringComparison.Ordinal))));
        await using var speaker = SnapclientProcess.Start(server.ClientPort, "room-1", Path.Combine(_directory, "room-1.pcm"));
        (await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "snapcast", server = "127.0.0.1", controlPort = server.ControlPort, streamPort, stream = "room-1", speakerVolume = 70 })).EnsureSuccessStatusCode();
        (await therapist.PutAsJsonAsync("/api/rooms/room-1/music", new { playlistId = "rest", playing = true, volume = 60 })).EnsureSuccessStatusCode();

        var playing = await Eventually.ValueAsync(
            () => staff.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output"),
            o => o is { State: "ok", Speakers: [{ Connected: true }] },
            Patience,
            "room-1's speaker connected in GET audio-output");
        Assert.Equal(("room-1", true), (playing!.Speakers![0].Name, playing.Configured));
        await HeardAsync(speaker, s => Rms(s) > 1e-3, "the room's music on the speaker");

        // The speaker's own level, as staff set it once, is on the server (Client.SetVolume), unmuted.
        await using (var control = await SnapcastControl.ConnectAsync("127.0.0.1", server.ControlPort, CancellationToken.None))
        {
            var client = await Eventually.ValueAsync(
                async () => (await control.GetStatusAsync(CancellationToken.None)).Clients.Single(c => c.HostName == "room-1" || c.Id == "room-1"),
                c => c.VolumePercent == 70,
                Patience,
                "room-1's speaker at the volume staff set");
            Assert.False(client!.Muted);
        }

        // Kept like every output, in audio-outputs.json.
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "audio-outputs.json"))).RootElement.GetProperty("room-1");
        Assert.Equal((server.ControlPort, streamPort, "room-1", 70), (stored.GetProperty("controlPort").GetInt32(), stored.GetProperty("streamPort").GetInt32(), stored.GetProperty("stream").GetString(), stored.GetProperty("speakerVolume").GetInt32()));

        speaker.Kill();
        var dropped = await Eventually.ValueAsync(
            () => staff.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output"),
            // The speakers are the output's own list, the state the room's snapshot: each arrives in its own moment.
            o => o is { Speakers: [{ Connected: false }] } && o.State.StartsWith("unavailable: ", StringComparison.Ordinal),
            Patience,
            "room-1's speaker not connected once killed, and the output unavailable");
        await Eventually.TrueAsync(
            async () => (await host.GetRoomAsync("room-1")).Music?.NowPlaying?.OutputState == dropped!.State,
            Patience,
            "the room's snapshot telling dashboards the speaker dropped");
    }

    private sealed record AudioOutput(string Kind, string? Server, int? ControlPort, int? StreamPort, string? Stream, bool Configured, string State, List<SnapcastSpeaker>? Speakers);

    private MusicEngine Engine(AudioOutputSetting setting)
    {
        var playlists = Path.Combine(_directory, "playlists");
        Directory.CreateDirectory(playlists);
        File.WriteAllText(Path.Combine(playlists, "tone.json"), Tone);
        var engine = new MusicEngine(new AudioOptions(), new PlaylistCatalog(playlists, new FfmpegTools()), _ => setting, new AudioOutputRules(Path.Combine(_directory, "out")));
        engine.Start();
        return engine;
    }

    private static string Lines(string roomId, AudioOutputSetting setting) =>
        SnapcastStreamLines.Generate([(roomId, setting)], Rate, 2);

    /// <summary>Waits for the last two seconds the speaker played to satisfy <paramref name="done"/>; returns them.</summary>
    private static Task<float[]> HeardAsync(SnapclientProcess speaker, Func<float[], bool> done, string what) =>
        Eventually.ValueAsync(
            () => Task.FromResult(speaker.Frames > 2 * Rate ? speaker.Read(speaker.Frames - (2 * Rate)) : []),
            s => s.Length >= 2 * Rate * 2 && done(s),
            Patience,
            what);

    /// <summary>The tone at full level throughout: no gap, no start or end of it, in any 25 ms.</summary>
    private static bool Steady(float[] stereo) => Windows(stereo, 1200).All(l => l > 0.3);

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }

    /// <summary>The left channel's frequency by counting its upward zero crossings.</summary>
    private static double ZeroCrossingFrequency(float[] stereo)
    {
        var crossings = 0;
        for (var i = 2; i < stereo.Length; i += 2)
        {
            crossings += stereo[i - 2] < 0 && stereo[i] >= 0 ? 1 : 0;
        }

        return crossings / (stereo.Length / 2.0 / Rate);
    }

    private static double[] Windows(float[] stereo, int frames) =>
        [.. Enumerable.Range(0, stereo.Length / 2 / frames).Select(w => Rms(stereo.AsSpan(w * frames * 2, frames * 2)))];
}

/// <summary>
/// Tests that measure sound a real client played in real time run alone: on two cores shared with another test
/// class's hosts and browsers, snapclient or the render clock miss their deadline and the file gets a gap of silence
/// that no room in a clinic would hear (a run in the full suite showed one in the middle of a volume ramp).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealTimeSound
{
    public const string Name = "real-time sound";
}
