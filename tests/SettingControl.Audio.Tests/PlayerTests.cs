using SettingControl.Audio.Chain;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;
using SettingControl.Domain;

namespace SettingControl.Audio.Tests;

/// <summary>One room's whole chain, rendered block by block as the engine's clock would, and measured.</summary>
public sealed class PlayerTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Block = 960;
    private readonly string _directory = Measure.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static AudioOptions Options(double crossfadeSeconds = 1) => new() { CrossfadeSeconds = crossfadeSeconds, PauseFadeSeconds = 0.05, VolumeRampSeconds = 0.5, DuckFadeSeconds = 0.25, StatusSeconds = 10_000 };

    /// <summary>File outputs go to "out" in the test's directory; ALSA lists what it lists on this machine.</summary>
    private AudioOutputRules OutputRules => new(Path.Combine(_directory, "out"));

    private RoomPlayer Player(string playlistJson, AudioOptions? options = null, AudioOutputSetting? output = null)
    {
        File.WriteAllText(Path.Combine(_directory, "test.json"), playlistJson);
        var catalog = new PlaylistCatalog(_directory, new FfmpegTools());
        return new RoomPlayer("room-t", options ?? Options(), catalog, output ?? AudioOutputSetting.None, OutputRules, Block);
    }

    private static float[] Render(RoomPlayer player, double seconds)
    {
        var blocks = (int)Math.Round(seconds * 48_000 / Block);
        var all = new float[blocks * Block * 2];
        for (var b = 0; b < blocks; b++)
        {
            player.Render();
            player.Block.CopyTo(all, b * Block * 2);
        }

        return all;
    }

    private const string Sine = """{ "title": "Sine", "tracks": [ { "title": "A", "source": "generator:sine?freq=440&seconds=60&level=-6" } ] }""";

    [Fact]
    public void Pause_and_resume_fade_without_a_click()
    {
        using var player = Player(Sine, Options(0.2));
        player.Apply(new MusicSetting("test", true, 100), false);
        var playing = Render(player, 1);
        player.Apply(new MusicSetting("test", false, 100), false);
        var pausing = Render(player, 0.5);
        var position = player.NowPlaying().PositionSeconds;
        var paused = Render(player, 0.5);
        Assert.Equal(position, player.NowPlaying().PositionSeconds);
        player.Apply(new MusicSetting("test", true, 100), false);
        var resumed = Render(player, 1);

        // A 440 Hz sine at −6 dBFS moves at most A·2π·f/fs per sample; a click would jump far more.
        var natural = 0.5012 * 2 * Math.PI * 440 / 48_000;
        float[] all = [.. playing, .. pausing, .. paused, .. resumed];
        output.WriteLine($"pause/resume: largest sample-to-sample jump {Measure.MaxJump(all, 2):0.000000}, the sine's own largest {natural:0.000000}");
        Assert.True(Measure.MaxJump(all, 2) <= natural * 1.02, $"largest jump {Measure.MaxJump(all, 2):0.0000} > natural {natural:0.0000}");
        Assert.Equal(0, Measure.Rms(paused));
        Assert.True(Measure.Rms(resumed.AsSpan(48_000)) > 0.3);
        Assert.False(player.NowPlaying().Playing == false);
    }

    [Fact]
    public void Silence_is_a_choice_and_the_position_holds_while_paused()
    {
        using var player = Player(Sine);
        player.Apply(new MusicSetting("test", true, 50), false);
        Render(player, 2);
        player.Apply(new MusicSetting("test", false, 50), false);
        Render(player, 1);

        var now = player.NowPlaying();
        Assert.False(now.Playing);
        Assert.InRange(now.PositionSeconds, 2.0, 2.1);
    }

    [Fact]
    public void A_volume_change_is_a_smooth_ramp_to_the_square_law_gain()
    {
        using var player = Player("""{ "title": "DC", "tracks": [ { "title": "tone", "source": "generator:sine?freq=50&seconds=60&level=0" } ] }""", Options(0.01));
        player.Apply(new MusicSetting("test", true, 40), false);
        var before = Render(player, 1);
        player.Apply(new MusicSetting("test", true, 80), false);
        var ramp = Render(player, 0.5);
        var after = Render(player, 1);

        Assert.Equal(Measure.Db(0.8 * 0.8 / (0.4 * 0.4)), Measure.Db(Measure.Rms(after) / Measure.Rms(before.AsSpan(48_000))), 1);
        Assert.True(Measure.MaxJump([.. before, .. ramp, .. after], 2) <= 2 * Math.PI * 50 / 48_000 * 0.65, "the volume change clicked");
    }

    [Fact]
    public void Lights_up_ducks_by_the_configured_amount_and_resume_restores()
    {
        using var player = Player(Sine);
        player.Apply(new MusicSetting("test", true, 60), false);
        var normal = Render(player, 2.0).AsSpan(48_000 * 2);
        player.Apply(new MusicSetting("test", true, 60), true);
        Render(player, 0.5);
        var ducked = Render(player, 1);
        Assert.True(player.NowPlaying().Ducked);
        player.Apply(new MusicSetting("test", true, 60), false);
        Render(player, 0.5);
        var restored = Render(player, 1);

        output.WriteLine($"ducking: {Measure.Db(Measure.Rms(ducked) / Measure.Rms(normal)):0.00} dB, restored to {Measure.Db(Measure.Rms(restored) / Measure.Rms(normal)):0.00} dB");
        Assert.Equal(-18, Measure.Db(Measure.Rms(ducked) / Measure.Rms(normal)), 0.5);
        Assert.Equal(0, Measure.Db(Measure.Rms(restored) / Measure.Rms(normal)), 0.5);
    }

    [Fact]
    public void Tracks_crossfade_at_their_end_and_next_and_previous_skip()
    {
        using var player = Player("""
            { "title": "Three", "tracks": [
              { "title": "One", "source": "generator:sine?freq=220&seconds=3" },
              { "title": "Two", "source": "generator:sine?freq=330&seconds=3" },
              { "title": "Three", "source": "generator:sine?freq=440&seconds=3" } ] }
            """);
        player.Apply(new MusicSetting("test", true, 50), false);
        Render(player, 1);
        Assert.Equal(("One", 0), (player.NowPlaying().TrackTitle, player.NowPlaying().TrackIndex));

        // One is 3 s long with a 1 s crossfade: Two starts at exactly 2 s.
        Render(player, 1.02);
        Assert.Equal("Two", player.NowPlaying().TrackTitle);
        Assert.InRange(player.NowPlaying().PositionSeconds, 0, 0.03);

        player.Skip(+1);
        Render(player, 0.02);
        Assert.Equal("Three", player.NowPlaying().TrackTitle);
        player.Skip(+1);
        Render(player, 0.02);
        Assert.Equal(("One", 0), (player.NowPlaying().TrackTitle, player.NowPlaying().TrackIndex));
        player.Skip(-1);
        Render(player, 0.02);
        Assert.Equal("Three", player.NowPlaying().TrackTitle);
    }

    [Fact]
    public void A_missing_track_is_reported_clearly_and_skipped()
    {
        using var player = Player("""
            { "title": "Holes", "tracks": [
              { "title": "Gone", "source": "music/gone.flac" },
              { "title": "Broken", "source": "generator:organ?root=1" },
              { "title": "Here", "source": "generator:sine?freq=330&seconds=30" } ] }
            """);
        var playlist = new PlaylistCatalog(_directory, new FfmpegTools()).Find("test")!;
        Assert.StartsWith("file not found: ", playlist.Tracks[0].Error);
        Assert.EndsWith(Path.Combine("music", "gone.flac"), playlist.Tracks[0].Error);
        Assert.Contains("unknown generator 'organ'", playlist.Tracks[1].Error);
        Assert.Equal(30, playlist.TotalSeconds);

        player.Apply(new MusicSetting("test", true, 50), false);
        var sound = Render(player, 1);

        Assert.Equal(("Here", 2), (player.NowPlaying().TrackTitle, player.NowPlaying().TrackIndex));
        Assert.Contains(player.Problems, p => p.Contains("track 1 'Gone' skipped: file not found", StringComparison.Ordinal));
        Assert.Contains(player.Problems, p => p.Contains("track 2 'Broken' skipped", StringComparison.Ordinal));
        Assert.True(Measure.Rms(sound) > 0.01);
    }

    [Fact]
    public void An_unavailable_ALSA_output_leaves_the_room_playing_on_its_clock()
    {
        // Card 9 is on the allow-list's form but not in this machine.
        using var player = Player(Sine, output: new AudioOutputSetting("alsa", "hw:9,0"));
        player.Apply(new MusicSetting("test", true, 50), false);
        Render(player, 1.5);

        var now = player.NowPlaying();
        Assert.StartsWith("unavailable: cannot open ALSA device 'hw:9,0'", now.OutputState);
        Assert.Equal("alsa:hw:9,0", now.Output);
        Assert.InRange(now.PositionSeconds, 1.4, 1.6);
        Assert.True(now.Playing);
    }

    [Fact]
    public void A_stored_output_that_breaks_the_rules_is_refused_and_the_room_plays_to_nothing_on_its_clock()
    {
        var marker = Path.Combine(_directory, "pwned.txt");
        using var player = Player(Sine, output: new AudioOutputSetting("alsa", $"file:\"|id > {marker}\",raw"));
        Assert.StartsWith("refused: ", player.NowPlaying().OutputState);
        Assert.Equal("none", player.NowPlaying().Output);

        player.Apply(new MusicSetting("test", true, 50), false);
        Render(player, 1.5);

        var now = player.NowPlaying();
        Assert.StartsWith("refused: ", now.OutputState);
        Assert.Equal("none", now.Output);
        Assert.InRange(now.PositionSeconds, 1.4, 1.6);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_file_output_holds_exactly_the_frames_rendered()
    {
        var path = Path.Combine(_directory, "out", "room.wav");
        using (var player = Player(Sine, output: new AudioOutputSetting("file", Path: "room.wav")))
        {
            player.Apply(new MusicSetting("test", true, 50), false);
            for (var i = 0; i < 123; i++)
            {
                player.Render();
            }
        }

        Assert.Equal(123 * Block * 2, Measure.ReadWav(path).Length);
    }

    [Fact]
    public void An_idle_room_opens_no_output_until_its_music_plays()
    {
        var path = Path.Combine(_directory, "out", "idle.wav");
        using var player = Player(Sine, output: new AudioOutputSetting("file", Path: "idle.wav"));
        Render(player, 0.5);
        Assert.False(File.Exists(path));
        Assert.Equal((RoomPlayer.NotOpened, "file:idle.wav"), (player.NowPlaying().OutputState, player.NowPlaying().Output));

        player.Apply(new MusicSetting("test", true, 50), false);
        Render(player, 0.5);
        Assert.True(File.Exists(path));
        Assert.Equal("ok", player.NowPlaying().OutputState);

        // Once open, a paused room keeps feeding its output silence: the file's timeline stays whole.
        player.Apply(new MusicSetting("test", false, 50), false);
        Render(player, 0.5);
        Assert.Equal(50 * Block * 2, Measure.ReadWav(path).Length);
    }

    [Fact]
    public void An_idle_room_is_small_so_a_large_facility_can_have_thousands()
    {
        File.WriteAllText(Path.Combine(_directory, "test.json"), Sine);
        var engine = new MusicEngine(Options(), new PlaylistCatalog(_directory, new FfmpegTools()), _ => new AudioOutputSetting("alsa", "default"), OutputRules);
        engine.Room("warm-up").Apply(MusicSetting.Default, false);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 2000; i++)
        {
            engine.Room($"room-{i}").Apply(MusicSetting.Default, false);
        }

        engine.RenderBlock();
        var perRoom = (GC.GetTotalMemory(forceFullCollection: true) - before) / 2000.0;
        GC.KeepAlive(engine);
        output.WriteLine($"an idle room player costs {perRoom:0} bytes");
        Assert.True(perRoom < 6144, $"an idle room costs {perRoom:0} bytes");
        Assert.All(engine.Rooms, r => Assert.Null(r.Output));
    }

    [Fact]
    public void Compressed_files_play_resampled_through_ffmpeg_and_crossfade_into_each_other()
    {
        Measure.Run("sox", "-n", "-r", "44100", "-c", "1", Path.Combine(_directory, "low.flac"), "synth", "2", "sine", "220");
        Measure.Run("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=f=330:d=2:sample_rate=44100", "-ac", "2", "-c:a", "libvorbis", Path.Combine(_directory, "high.ogg"));
        using var player = Player("""
            { "title": "Files", "tracks": [
              { "title": "Low", "source": "low.flac" },
              { "title": "High", "source": "high.ogg", "gainDb": -6 } ] }
            """, Options(0.5));
        player.Apply(new MusicSetting("test", true, 100), false);
        var first = Render(player, 1);
        Assert.Equal(("Low", 2.0), (player.NowPlaying().TrackTitle, Math.Round(player.NowPlaying().DurationSeconds, 1)));
        var rest = Render(player, 1);
        Assert.Equal("High", player.NowPlaying().TrackTitle);

        // High starts fading in at 1.5 s and ends at 3.5 s: at 3.0 s the playlist loops back to Low.
        Render(player, 1.1);
        Assert.Equal(("Low", 0), (player.NowPlaying().TrackTitle, player.NowPlaying().TrackIndex));
        Assert.Empty(player.Problems);
        Assert.True(Measure.Rms(first.AsSpan(48_000)) > 0.1);
        Assert.True(Measure.Rms(rest.AsSpan(rest.Length - 48_000)) > 0.05);
    }

    [Fact]
    public void An_unknown_playlist_plays_silence_and_is_reported()
    {
        using var player = Player(Sine);
        player.Apply(new MusicSetting("nope", true, 50), false);
        var sound = Render(player, 0.5);

        Assert.Equal(0, Measure.Rms(sound));
        Assert.Contains(player.Problems, p => p.Contains("playlist 'nope' not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Rendering_a_block_allocates_nothing()
    {
        using var player = Player("""{ "title": "D", "tracks": [ { "title": "d", "source": "generator:drone?root=110&seconds=600" }, { "title": "p", "source": "generator:pad?seconds=600" } ] }""", Options(8));
        player.Apply(new MusicSetting("test", true, 50), false);
        Render(player, 1);
        player.Skip(+1);
        Render(player, 0.1);

        // Mid-crossfade (two voices), with a volume ramp running.
        player.Apply(new MusicSetting("test", true, 70), false);
        player.Render();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            player.Render();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
