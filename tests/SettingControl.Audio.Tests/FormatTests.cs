using SettingControl.Audio.Chain;
using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;

namespace SettingControl.Audio.Tests;

/// <summary>
/// Every supported format, made in the test by sox and ffmpeg, decodes to the same samples as
/// ffmpeg's own decode: WAV, MP3 and Ogg Vorbis in-process (NAudio, NLayer, NVorbis), FLAC and Opus through the
/// ffmpeg subprocess.
/// </summary>
public sealed class FormatTests : IDisposable
{
    private readonly string _directory = Measure.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("wav16.wav", "sox", 44_100, typeof(WavReader))]
    [InlineData("wav24.wav", "sox", 44_100, typeof(WavReader))]
    [InlineData("float.wav", "sox", 44_100, typeof(WavReader))]
    [InlineData("mono16.wav", "sox", 22_050, typeof(WavReader))]
    [InlineData("tone.mp3", "ffmpeg", 44_100, typeof(Mp3Decoder))]
    [InlineData("tone.flac", "ffmpeg", 44_100, typeof(FfmpegDecoder))]
    [InlineData("tone.ogg", "ffmpeg", 44_100, typeof(VorbisDecoder))]
    [InlineData("tone.opus", "ffmpeg", 48_000, typeof(FfmpegDecoder))]
    public void Each_format_decodes_to_the_same_samples_as_ffmpeg(string file, string maker, int rate, Type decodedBy)
    {
        var path = Path.Combine(_directory, file);
        var source = Path.Combine(_directory, "source.wav");
        Measure.Run("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", source, "synth", "2", "sine", "440", "sine", "660", "vol", "0.5");
        if (maker == "sox")
        {
            string[] encoding = file switch
            {
                "wav24.wav" => ["-b", "24"],
                "float.wav" => ["-e", "floating-point", "-b", "32"],
                "mono16.wav" => ["-b", "16", "-c", "1", "-r", "22050"],
                _ => ["-b", "16"],
            };
            Measure.Run("sox", [source, .. encoding, path]);
        }
        else
        {
            var codec = Path.GetExtension(file) switch
            {
                ".mp3" => "libmp3lame",
                ".flac" => "flac",
                ".ogg" => "libvorbis",
                _ => "libopus",
            };
            Measure.Run("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", source, "-c:a", codec, path);
        }

        var (decoder, frames) = TrackOpener.Decode(path, new FfmpegTools(), durationSeconds: null);
        Assert.IsType(decodedBy, decoder);

        // Mono is compared as mono: ffmpeg's own mono-to-stereo upmix is −3 dB, the engine's is unity.
        var expected = Measure.FfmpegDecode(path, decoder.WaveFormat.Channels);
        var actual = Measure.ReadAll(decoder);
        (decoder as IDisposable)?.Dispose();

        Assert.Equal(rate, decoder.WaveFormat.SampleRate);
        Assert.Equal(expected.Length, actual.Length);
        if (decodedBy != typeof(FfmpegDecoder))
        {
            // The length a playlist shows and the engine ends the track on: exact, encoder delay and padding removed.
            Assert.Equal(expected.Length / decoder.WaveFormat.Channels, frames);
        }

        var worst = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        }

        Assert.True(worst < 1e-5, $"{file}: largest difference from ffmpeg's decode is {worst}");
        Assert.True(Measure.Rms(actual) > 0.05, $"{file} decoded to near silence");
    }

    [Fact]
    public void Compressed_tracks_are_measured_by_ffprobe_for_the_playlist()
    {
        var path = Path.Combine(_directory, "tone.flac");
        Measure.Run("sox", "-n", "-r", "44100", "-c", "2", path, "synth", "3.5", "sine", "440");
        File.WriteAllText(Path.Combine(_directory, "mix.json"), """{ "title": "Mix", "tracks": [ { "title": "Tone", "source": "tone.flac" } ] }""");

        var playlist = new PlaylistCatalog(_directory, new FfmpegTools()).Find("mix")!;

        Assert.Null(playlist.Tracks[0].Error);
        Assert.Equal(3.5, playlist.Tracks[0].DurationSeconds!.Value, 2);
    }

    [Fact]
    public void Without_ffmpeg_MP3_and_Vorbis_still_play_and_a_FLAC_track_fails_with_a_clear_error()
    {
        foreach (var (file, codec) in new[] { ("tone.mp3", "libmp3lame"), ("tone.ogg", "libvorbis"), ("tone.flac", "flac") })
        {
            Measure.Run("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=1.5", "-ac", "2", "-c:a", codec, Path.Combine(_directory, file));
        }

        var bogus = new FfmpegTools("/nonexistent/bin/ffmpeg", "/nonexistent/bin/ffprobe");

        var error = Assert.Throws<AudioSourceException>(() => TrackOpener.Decode(Path.Combine(_directory, "tone.flac"), bogus));
        Assert.Contains("ffmpeg is not available at '/nonexistent/bin/ffmpeg'", error.Message);
        Assert.Contains("apt-get install ffmpeg", error.Message);

        File.WriteAllText(Path.Combine(_directory, "mix.json"), """
            { "title": "Mix", "tracks": [
              { "title": "Lossless", "source": "tone.flac" },
              { "title": "MP3", "source": "tone.mp3" },
              { "title": "Vorbis", "source": "tone.ogg" },
              { "title": "Hum", "source": "generator:sine?freq=110&seconds=2" } ] }
            """);
        var playlist = new PlaylistCatalog(_directory, bogus).Find("mix")!;
        Assert.Contains("ffmpeg is not available", playlist.Tracks[0].Error);
        foreach (var track in playlist.Tracks.Skip(1))
        {
            Assert.Null(track.Error);
            var (chain, frames) = TrackOpener.Open(track, bogus, AudioFormat.Output);
            var samples = Measure.ReadAll(chain);
            (chain as IDisposable)?.Dispose();
            Assert.Equal(frames * 2, samples.Length);
            Assert.True(Measure.Rms(samples) > 0.05, $"{track.Title} played near silence without ffmpeg");
        }

        Assert.Equal(1.5, playlist.Tracks[1].DurationSeconds!.Value, 3);
        Assert.Equal(1.5, playlist.Tracks[2].DurationSeconds!.Value, 3);
        Assert.Equal(5, playlist.TotalSeconds, 3);
    }

    [Fact]
    public void A_file_that_is_not_audio_is_reported_as_unreadable()
    {
        var path = Path.Combine(_directory, "notes.ogg");
        File.WriteAllText(path, "these are not the sounds you are looking for");

        var error = Assert.Throws<AudioSourceException>(() => TrackOpener.Decode(path, new FfmpegTools()));
        Assert.StartsWith("unreadable: notes.ogg", error.Message);
        var wav = Path.Combine(_directory, "notes.wav");
        File.WriteAllText(wav, "RIFF but not really");
        Assert.Contains("not a WAV file", Assert.Throws<AudioSourceException>(() => WavReader.Open(wav)).Message);
    }
}
