using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SettingControl.Audio.Sources;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Issue 11, C1: a staff login could run shell commands through a room's ALSA device string
/// (<c>file:"|cmd",raw</c>) and write anywhere through a file output. Now an ALSA name comes from an
/// allow-list, a file output is a bare .wav name in one folder, and a stored setting that breaks the rules
/// is refused when loaded: the room plays to nothing and says why.
/// </summary>
public sealed class AudioOutputSecurityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string Pwned = "pwned-c1-regression.txt";

    [Fact]
    public async Task A_staff_ALSA_device_that_pipes_to_a_command_is_refused_and_playing_music_runs_nothing()
    {
        var pwned = Path.Combine(Directory.GetCurrentDirectory(), "pwned.txt");
        File.Delete(pwned);
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false);
        using var staff = await host.SignInAsync("staff");

        // The reproduction from the issue, as a staff login sends it.
        var response = await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "alsa", device = "file:\"|id > pwned.txt\",raw" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("The audio output was refused; the room's output is unchanged.", problem.GetProperty("title").GetString());
        Assert.Contains("can write files or run commands", problem.GetProperty("errors").GetProperty("device")[0].GetString());

        var output = await staff.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output");
        Assert.Equal(("alsa", "default", false), (output!.Kind, output.Device, output.Configured));

        // Staff configure rooms; music is the therapist's (here: the admin key's).

        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/music", new SetMusicRequest("rest", true, 20))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(
            async () => (await host.GetRoomAsync("room-1")).Music?.NowPlaying is { Playing: true, PositionSeconds: > 1 },
            Patience,
            "room-1 playing (and so having opened its output)");

        Assert.False(File.Exists(pwned), "pwned.txt was created in the working directory");
        Assert.Empty(Directory.GetFiles(host.DataDirectory, "pwned.txt", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ALSA_names_that_write_files_or_define_plugins_inline_are_refused_and_leave_the_output_unchanged()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false);
        using var staff = await host.SignInAsync("staff");
        (await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "alsa", device = "hw:0,0" })).EnsureSuccessStatusCode();
        var target = Path.Combine(host.DataDirectory, "written-by-alsa.raw");

        string[] refused =
        [
            $"file:\"{target}\",raw",
            $"file:{target}",
            $"{{type file slave.pcm null file \"{target}\"}}",
            "plug:{slave.pcm \"hw:0\"}",
            "plug:'hw:0'",
            "hw:0|id",
            "$HOME",
            "hw:0,0,0",
            "no-such-device-alsa-lists",
        ];
        foreach (var device in refused)
        {
            var response = await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "alsa", device });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"'{device}' was accepted");
            Assert.Contains("\"device\"", await response.Content.ReadAsStringAsync());
        }

        var output = await staff.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output");
        Assert.Equal(("alsa", "hw:0,0", true), (output!.Kind, output.Device, output.Configured));
        Assert.False(File.Exists(target));

        // What is allowed: the plain names, and what ALSA itself lists here ("null" on a machine with no card).
        foreach (var device in new[] { "default", "sysdefault", "sysdefault:0", "hw:1", "plughw:0", "plughw:1,3", "null" })
        {
            (await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "alsa", device })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task File_outputs_outside_the_output_folder_through_links_or_over_foreign_files_are_refused()
    {
        var data = HostUnderTest.NewDataDirectory();
        var audio = Directory.CreateDirectory(Path.Combine(data, "audio")).FullName;
        var outside = Path.Combine(data, "outside.wav");
        var precious = "RIFF....WAVE not SettingControl's"u8.ToArray();
        File.WriteAllBytes(outside, precious);
        File.CreateSymbolicLink(Path.Combine(audio, "linked.wav"), outside);
        var foreign = Path.Combine(audio, "recording.wav");
        var foreignBytes = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(foreign, foreignBytes);

        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, dataDirectory: data);
        using var staff = await host.SignInAsync("staff");
        (await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "none" })).EnsureSuccessStatusCode();

        (string Path, string Says)[] refused =
        [
            ("../x.wav", "not a path"),
            ("/etc/x.wav", "not a path"),
            (Path.Combine(audio, "absolute.wav"), "not a path"),
            ("a/b.wav", "not a path"),
            ("x\n.wav", "control characters"),
            ("x\u0001.wav", "control characters"),
            ("..wav", "dot"),
            ("room-1.mp3", ".wav"),
            ("linked.wav", "symbolic link"),
            ("recording.wav", "not made by SettingControl"),
        ];
        foreach (var (path, says) in refused)
        {
            var response = await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "file", path });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"'{path}' was accepted");
            Assert.Contains(says, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("path")[0].GetString());
        }

        var output = await staff.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output");
        Assert.Equal("none", output!.Kind);
        Assert.Equal(precious, File.ReadAllBytes(outside));
        Assert.Equal(foreignBytes, File.ReadAllBytes(foreign));
        Assert.False(File.Exists(Path.Combine(data, "x.wav")));
        Assert.False(Directory.Exists(Path.Combine(audio, "a")));
    }

    [Fact]
    public async Task A_file_name_plays_into_the_output_folder()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, extra: new Dictionary<string, string>
        {
            ["Audio:StatusSeconds"] = "1",
        });
        using var staff = await host.SignInAsync("staff");
        (await staff.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "file", path = "room-1.wav" })).EnsureSuccessStatusCode();
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/music", new SetMusicRequest("rest", true, 60))).EnsureSuccessStatusCode();

        var file = Path.Combine(host.DataDirectory, "audio", "room-1.wav");
        await Eventually.TrueAsync(
            async () => (await host.GetRoomAsync("room-1")).Music?.NowPlaying is { Playing: true, PositionSeconds: > 2 } && File.Exists(file),
            Patience,
            "room-1 playing to its file");
        var output = await staff.GetFromJsonAsync<AudioOutput>("/api/rooms/room-1/audio-output");
        Assert.Equal(("file", "room-1.wav", "file:room-1.wav", "ok"), (output!.Kind, output.Path, output.Output, output.State));

        using var reader = WavReader.Open(file);
        var samples = new float[(int)reader.LengthFrames * 2];
        var read = reader.Read(samples);
        Assert.True(read >= 48_000 * 2, "less than a second of sound in the file");
        Assert.True(Rms(samples.AsSpan(read - 48_000, 48_000)) > 1e-3, "the file is silent");
    }

    [Fact]
    public async Task A_stored_output_that_breaks_the_rules_is_refused_at_start_and_the_room_plays_to_nothing_saying_why()
    {
        // As an older version stored them (or as someone edited the file): an ALSA pipe and a file outside the folder.
        var data = HostUnderTest.NewDataDirectory();
        Directory.CreateDirectory(data);
        var escaped = Path.Combine(data, "escaped.wav");
        await File.WriteAllTextAsync(Path.Combine(data, "audio-outputs.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["room-1"] = new { kind = "alsa", device = $"file:\"|id > {Pwned}\",raw" },
            ["room-2"] = new { kind = "file", path = escaped },
        }));
        var pwnedHere = Path.Combine(Directory.GetCurrentDirectory(), Pwned);
        File.Delete(pwnedHere);

        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 2, runSimulatedDevices: false, dataDirectory: data);
        foreach (var (roomId, reason) in new[] { ("room-1", "can write files or run commands"), ("room-2", "not a path") })
        {
            var before = await host.Http.GetFromJsonAsync<AudioOutput>($"/api/rooms/{roomId}/audio-output");
            Assert.StartsWith("refused: ", before!.State);
            Assert.Contains(reason, before.State);
            Assert.Contains("The room plays to nothing until staff choose another output.", before.State);
            Assert.Equal(("none", true), (before.Output, before.Configured));

            (await host.Http.PutAsJsonAsync($"/api/rooms/{roomId}/music", new SetMusicRequest("rest", true, 20))).EnsureSuccessStatusCode();
        }

        foreach (var roomId in new[] { "room-1", "room-2" })
        {
            await Eventually.TrueAsync(
                async () => (await host.GetRoomAsync(roomId)).Music?.NowPlaying is { Playing: true, PositionSeconds: > 1 } now
                    && now.Output == "none" && now.OutputState.StartsWith("refused: ", StringComparison.Ordinal),
                Patience,
                $"{roomId} playing on its clock to nothing, its output refused");
        }

        Assert.False(File.Exists(pwnedHere), $"{Pwned} was created in the working directory");
        Assert.Empty(Directory.GetFiles(data, Pwned, SearchOption.AllDirectories));
        Assert.False(File.Exists(escaped));
    }

    private sealed record AudioOutput(string Kind, string? Device, string? Path, bool Configured, string Output, string State);

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }
}
