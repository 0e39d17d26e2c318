using SettingControl.Audio.Chain;
using SettingControl.Audio.Sources;

namespace SettingControl.Audio.Playlists;

/// <summary>
/// Builds one track's chain up to the mixer: source (generator, in-process WAV, MP3 or Ogg Vorbis decoder, or ffmpeg) →
/// NAudio's mono to stereo when needed → resampler when the rate differs from the output's.
/// </summary>
public static class TrackOpener
{
    /// <summary>Opens a track; throws <see cref="AudioSourceException"/> with a clear message when it cannot play.</summary>
    public static (ISampleProvider Chain, long? LengthFrames) Open(PlaylistTrack track, FfmpegTools tools, WaveFormat output)
    {
        if (track.Error is not null)
        {
            throw new AudioSourceException(track.Error);
        }

        var (source, frames) = track.Kind == TrackKind.Generator
            ? Generate(track.Source)
            : Decode(track.ResolvedPath!, tools, track.DurationSeconds);
        return Adapt(source, frames, output);
    }

    private static (ISampleProvider Source, long? Frames) Generate(string source)
    {
        var generator = GeneratorSpec.Parse(source).Spec!.Create();
        return (generator, generator.LengthFrames);
    }

    /// <summary>
    /// The decoder for a file, chosen by its extension: WAV, MP3 and Ogg Vorbis in-process (NAudio, NLayer, NVorbis),
    /// the rest (FLAC, Opus, an Ogg file holding either, AAC…) through ffmpeg. <paramref name="durationSeconds"/> is
    /// the playlist's ffprobe measure, the length of an ffmpeg-decoded track.
    /// </summary>
    public static (ISampleProvider Source, long? Frames) Decode(string path, FfmpegTools tools, double? durationSeconds = null)
    {
        switch (PlaylistCatalog.KindOf(path))
        {
            case TrackKind.Wav:
                return InProcess(path, p => WavReader.Open(p), wav => wav.LengthFrames);
            case TrackKind.Mp3:
                return InProcess(path, Mp3Decoder.Open, mp3 => mp3.LengthFrames);
            case TrackKind.Ogg:
                try
                {
                    return InProcess(path, VorbisDecoder.Open, vorbis => vorbis.LengthFrames);
                }
                catch (AudioSourceException) when (File.Exists(path))
                {
                    // Not Vorbis: Opus or FLAC in an Ogg file, which ffmpeg decodes.
                    return ThroughFfmpeg(path, tools, durationSeconds);
                }

            default:
                return ThroughFfmpeg(path, tools, durationSeconds);
        }
    }

    private static (ISampleProvider Source, long? Frames) InProcess<T>(string path, Func<string, T> open, Func<T, long> lengthOf)
        where T : ISampleProvider
    {
        if (!File.Exists(path))
        {
            throw new AudioSourceException($"file not found: {path}");
        }

        try
        {
            var decoder = open(path);
            return (decoder, lengthOf(decoder));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AudioSourceException($"unreadable: {ex.Message}", ex);
        }
    }

    private static (ISampleProvider Source, long? Frames) ThroughFfmpeg(string path, FfmpegTools tools, double? durationSeconds)
    {
        var source = FfmpegDecoder.Open(path, tools);
        return (source, durationSeconds is { } seconds ? (long)(seconds * source.WaveFormat.SampleRate) : null);
    }

    public static (ISampleProvider Chain, long? LengthFrames) Adapt(ISampleProvider source, long? frames, WaveFormat output)
    {
        if (source.WaveFormat.Channels == 1)
        {
            // Unity on both channels (NAudio's default), so a mono track plays as loud as its stereo neighbours.
            source = new DisposingMonoToStereo(source);
        }

        if (source.WaveFormat.SampleRate != output.SampleRate)
        {
            frames = frames is { } f ? (long)Math.Ceiling(f * (double)output.SampleRate / source.WaveFormat.SampleRate) : null;
            source = new SincResampler(source, output.SampleRate);
        }

        return (source, frames);
    }
}

/// <summary>NAudio's mono-to-stereo link, passing Dispose on to the source (a decoder holding a file or a process).</summary>
internal sealed class DisposingMonoToStereo(ISampleProvider source) : ISampleProvider, IDisposable
{
    private readonly NAudio.Wave.SampleProviders.MonoToStereoSampleProvider _stereo = new(source);

    public WaveFormat WaveFormat => _stereo.WaveFormat;

    public int Read(Span<float> buffer) => _stereo.Read(buffer);

    public void Dispose() => (source as IDisposable)?.Dispose();
}
