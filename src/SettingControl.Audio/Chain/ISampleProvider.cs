namespace SettingControl.Audio.Chain;

/// <summary>
/// One link of the sample chain, as in NAudio: it fills a buffer with interleaved 32-bit float samples
/// pulled from the link before it. Every link is usable and testable on its own.
/// </summary>
public interface ISampleProvider
{
    WaveFormat WaveFormat { get; }

    /// <summary>
    /// Fills <paramref name="buffer"/> (a whole number of frames) and returns how many samples were written;
    /// fewer than asked means the source has ended.
    /// </summary>
    int Read(Span<float> buffer);
}

/// <summary>Sample rate and channel count of interleaved float samples.</summary>
public readonly record struct WaveFormat(int SampleRate, int Channels)
{
    /// <summary>The engine's output: 48 kHz stereo, what ALSA devices and Opus use natively.</summary>
    public static WaveFormat Output { get; } = new(48_000, 2);

    public long FramesOf(TimeSpan duration) => (long)Math.Round(duration.TotalSeconds * SampleRate);

    public double SecondsOf(long frames) => (double)frames / SampleRate;

    public override string ToString() => $"{SampleRate} Hz, {Channels} ch";
}

/// <summary>A track or source that cannot be played, with a message staff can act on.</summary>
public sealed class AudioSourceException(string message, Exception? inner = null) : Exception(message, inner);
