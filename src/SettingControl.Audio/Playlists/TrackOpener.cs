using SettingControl.Audio.Chain;
using SettingControl.Audio.Sources;

namespace SettingControl.Audio.Playlists;

/// <summary>
/// Builds one track's chain up to the mixer: source (generator, in-process WAV, or ffmpeg) → mono to
/// stereo when needed → resampler when the rate differs from the output's.
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

        ISampleProvider source;
        long? frames;
        switch (track.Kind)
        {
            case TrackKind.Generator:
                var generator = GeneratorSpec.Parse(track.Source).Spec!.Create();
                (source, frames) = (generator, generator.LengthFrames);
                break;
            case TrackKind.Wav:
                if (!File.Exists(track.ResolvedPath))
                {
                    throw new AudioSourceException($"file not found: {track.ResolvedPath}");
                }

                try
                {
                    var wav = WavReader.Open(track.ResolvedPath!);
                    (source, frames) = (wav, wav.LengthFrames);
                }
                catch (IOException ex)
                {
                    throw new AudioSourceException($"unreadable: {ex.Message}", ex);
                }

                break;
            default:
                source = FfmpegDecoder.Open(track.ResolvedPath!, tools);
                frames = track.DurationSeconds is { } seconds ? (long)(seconds * source.WaveFormat.SampleRate) : null;
                break;
        }

        return Adapt(source, frames, output);
    }

    public static (ISampleProvider Chain, long? LengthFrames) Adapt(ISampleProvider source, long? frames, WaveFormat output)
    {
        if (source.WaveFormat.Channels == 1)
        {
            source = new MonoToStereo(source);
        }

        if (source.WaveFormat.SampleRate != output.SampleRate)
        {
            frames = frames is { } f ? (long)Math.Ceiling(f * (double)output.SampleRate / source.WaveFormat.SampleRate) : null;
            source = new Resampler(source, output.SampleRate);
        }

        return (source, frames);
    }
}
