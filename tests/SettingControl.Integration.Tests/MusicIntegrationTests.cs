using System.Net.Http.Json;
using SettingControl.Audio.Sources;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The whole host as <c>--simulate 3</c> runs it: each room's session phase picks its playlist, the
/// engine plays it on its own clock to the room's file output, and a therapist's volume change arrives
/// in the file as a smooth ramp.
/// </summary>
public sealed class MusicIntegrationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Simulated_rooms_play_their_phase_playlists_to_files_and_a_volume_change_is_a_smooth_ramp()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 3, extra: new Dictionary<string, string>
        {
            ["Audio:DefaultOutput"] = "none",
            ["Audio:StatusSeconds"] = "1",
        });
        var rooms = new[] { ("room-1", "esketamine-nasal", (string?)null, "arrival"), ("room-2", "im-injection", "peak", "deep"), ("room-3", "iv-infusion", "return", "return") };
        foreach (var (roomId, protocol, phase, _) in rooms)
        {
            (await host.Http.PutAsJsonAsync($"/api/rooms/{roomId}/audio-output", new { kind = "file", path = $"{roomId}.wav" })).EnsureSuccessStatusCode();
            (await host.Http.PostAsJsonAsync($"/api/rooms/{roomId}/session", new { protocolId = protocol, label = "music" })).EnsureSuccessStatusCode();
            if (phase is not null)
            {
                (await host.Http.PostAsJsonAsync($"/api/rooms/{roomId}/session/jump", new { phase })).EnsureSuccessStatusCode();
            }
        }

        foreach (var (roomId, _, _, playlist) in rooms)
        {
            await Eventually.TrueAsync(
                async () => (await host.GetRoomAsync(roomId)).Music?.NowPlaying is { Playing: true, PositionSeconds: > 4 } now && now.PlaylistId == playlist,
                Patience,
                $"{roomId} playing '{playlist}' for a few seconds");
            var snapshot = await host.GetRoomAsync(roomId);
            Assert.Equal($"file:{roomId}.wav", snapshot.Music!.NowPlaying!.Output);
            Assert.Equal("ok", snapshot.Music.NowPlaying.OutputState);
            Assert.False(string.IsNullOrEmpty(snapshot.Music.NowPlaying.TrackTitle));

            var recent = Tail(ReadFile(host, roomId), seconds: 1);
            Assert.True(Rms(recent) > 1e-3, $"{roomId}'s file is silent");
        }

        // Volume 30 → 80 in room-1, measured in the file itself. The demo tracks are generated, so the
        // test renders the same track itself and divides it out: what is left is the gain the engine
        // applied, sample window by sample window, independent of how the music swells and beats.
        const int rate = 48_000;
        var playing = (await host.GetRoomAsync("room-1")).Music!.NowPlaying!;
        var playlists = await host.Http.GetFromJsonAsync<List<PlaylistDto>>("/api/playlists");
        var track = playlists!.Single(p => p.Id == "arrival").Tracks[playing.TrackIndex];
        var before = ReadFile(host, "room-1").Length / 2;
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/music", new SetMusicRequest(Volume: 80))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => ReadFile(host, "room-1").Length / 2 >= before + (3 * rate), Patience, "three more seconds in room-1's file");
        var file = ReadFile(host, "room-1");
        Assert.Equal(0, playing.TrackIndex);

        // The track starts within a few frames of the first sound in the file (its first frames are
        // near silent); the alignment that explains a second of the file best is the one.
        var firstSound = Array.FindIndex(file, s => s != 0) / 2;
        var reference = Render(track.Source, (file.Length / 2) - firstSound + 8);
        var trackStart = Enumerable.Range(firstSound - 8, 16)
            .MinBy(start => Residual(file.AsSpan((before - rate) * 2, rate * 2), reference.AsSpan((before - rate - start) * 2, rate * 2)));

        const int window = 480;
        var gains = new List<double>();
        for (var at = before - rate; at + window <= before + (3 * rate); at += window)
        {
            gains.Add(Gain(file.AsSpan(at * 2, window * 2), reference.AsSpan((at - trackStart) * 2, window * 2)));
        }

        var oldGain = Median([.. gains.Take(90)]);
        var newGain = Median([.. gains.TakeLast(90)]);
        Assert.Equal(0.3 * 0.3, oldGain, 3); // square law: volume 30 is a gain of 0.09
        Assert.Equal(0.8 * 0.8, newGain, 3);

        // Sample by sample: the gain the file holds (file ÷ reference where the reference is not near
        // zero) never falls and never rises faster than one linear ramp's increment per frame.
        var increment = (newGain - oldGain) / rate;
        double previousGain = oldGain, largestStep = 0;
        int previousFrame = before - rate, rampStart = -1, rampEnd = -1;
        for (var frame = before - rate; frame < before + (3 * rate); frame++)
        {
            var r = reference[(frame - trackStart) * 2];
            if (Math.Abs(r) < 0.002)
            {
                continue;
            }

            var g = file[frame * 2] / r;
            var step = g - previousGain;
            Assert.True(step > -2e-6, $"the gain fell by {-step} at frame {frame} during a volume increase");
            Assert.True(step <= ((frame - previousFrame) * increment * 1.01) + 2e-6, $"the gain jumped {step:0.000000} over {frame - previousFrame} frames at frame {frame}");
            largestStep = Math.Max(largestStep, step / (frame - previousFrame));
            rampStart = rampStart < 0 && g > oldGain + 1e-4 ? frame : rampStart;
            rampEnd = g < newGain - 1e-4 ? frame : rampEnd;
            (previousGain, previousFrame) = (g, frame);
        }

        output.WriteLine($"volume 30→80 in the file: gain {oldGain:0.00000} → {newGain:0.00000} over {(rampEnd - rampStart) * 1000.0 / rate:0.0} ms; largest change per frame {largestStep:0.0000000} (one increment {increment:0.0000000})");
        Assert.InRange(rampEnd - rampStart, rate - 200, rate + 1); // VolumeRampSeconds = 1: 48,000 frames, less the ~9 frames at each end within 1e-4 of the levels
    }

    [Fact]
    public async Task A_rooms_audio_output_is_validated_and_survives_a_restart()
    {
        var data = HostUnderTest.NewDataDirectory();
        const string path = "room-1.wav";
        await using (var first = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, dataDirectory: data))
        {
            var unset = await first.Http.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output");
            Assert.Equal(("alsa", "default", false), (unset!.Kind, unset.Device, unset.Configured));

            // A file output is a file name in the audio output folder: a path is refused (docs/security.md).
            var bad = await first.Http.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "file", path = Path.Combine(data, "audio", "room-1.wav") });
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("not a path", await bad.Content.ReadAsStringAsync());
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await first.Http.PutAsJsonAsync("/api/rooms/nowhere/audio-output", new { kind = "none" })).StatusCode);

            (await first.Http.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "file", path })).EnsureSuccessStatusCode();
        }

        await using var second = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, dataDirectory: data);
        var kept = await second.Http.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output");
        Assert.Equal(("file", path, true), (kept!.Kind, kept.Path, kept.Configured));

        // And with no such sound card, ALSA is a clear state in the snapshot while the room plays on.
        (await second.Http.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "alsa", device = "hw:9,0" })).EnsureSuccessStatusCode();
        (await second.Http.PutAsJsonAsync("/api/rooms/room-1/music", new SetMusicRequest("rest", true, 20))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(
            async () => (await second.GetRoomAsync("room-1")).Music?.NowPlaying is { Playing: true, PositionSeconds: > 1 } now
                && now.OutputState.StartsWith("unavailable: cannot open ALSA device 'hw:9,0'", StringComparison.Ordinal),
            Patience,
            "room-1 playing with its ALSA output reported unavailable");
    }

    private sealed record AudioOutput(string Kind, string? Device, string? Path, bool Configured, string Output, string State);

    private static string FileOf(HostUnderTest host, string roomId) => Path.Combine(Path.GetFullPath(host.DataDirectory), "audio", $"{roomId}.wav");

    private static float[] ReadFile(HostUnderTest host, string roomId)
    {
        using var reader = WavReader.Open(FileOf(host, roomId));
        var frames = (int)reader.LengthFrames;
        var samples = new float[frames * 2];
        var read = reader.Read(samples);
        return samples[..read];
    }

    /// <summary>The track as the engine renders it, in the engine's block size, from its first frame.</summary>
    private static float[] Render(string source, int frames)
    {
        var generator = GeneratorSpec.Parse(source).Spec!.Create();
        var samples = new float[frames * 2];
        for (var at = 0; at < frames; at += 960)
        {
            generator.Read(samples.AsSpan(at * 2, Math.Min(960, frames - at) * 2));
        }

        return samples;
    }

    private static double Residual(ReadOnlySpan<float> heard, ReadOnlySpan<float> reference)
    {
        var gain = Gain(heard, reference);
        double error = 0;
        for (var i = 0; i < heard.Length; i++)
        {
            var e = heard[i] - (gain * reference[i]);
            error += e * e;
        }

        return error;
    }

    /// <summary>The least-squares gain that maps the reference onto what the file holds.</summary>
    private static double Gain(ReadOnlySpan<float> heard, ReadOnlySpan<float> reference)
    {
        double cross = 0, power = 0;
        for (var i = 0; i < heard.Length; i++)
        {
            cross += heard[i] * reference[i];
            power += reference[i] * reference[i];
        }

        return cross / power;
    }

    private static float[] Tail(float[] samples, double seconds) => samples[Math.Max(0, samples.Length - (int)(seconds * 48_000 * 2))..];

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
