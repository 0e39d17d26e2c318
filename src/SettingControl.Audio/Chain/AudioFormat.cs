namespace SettingControl.Audio.Chain;

/// <summary>
/// The engine's sample format on NAudio's <see cref="WaveFormat"/>: every link of the chain carries interleaved
/// 32-bit IEEE float samples, and this says so in one place (NAudio's plain <c>new WaveFormat(rate, channels)</c>
/// means 16-bit PCM).
/// </summary>
public static class AudioFormat
{
    /// <summary>The engine's output: 48 kHz stereo float, what ALSA devices, Opus and Snapcast use natively.</summary>
    public static WaveFormat Output { get; } = Float(48_000, 2);

    /// <summary>Interleaved 32-bit float at this rate and channel count.</summary>
    public static WaveFormat Float(int sampleRate, int channels) => WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, channels);

    public static long FramesOf(this WaveFormat format, TimeSpan duration) => (long)Math.Round(duration.TotalSeconds * format.SampleRate);

    public static double SecondsOf(this WaveFormat format, long frames) => (double)frames / format.SampleRate;

    /// <summary>How a format reads on a staff screen: "48000 Hz, 2 ch".</summary>
    public static string Describe(this WaveFormat format) => $"{format.SampleRate} Hz, {format.Channels} ch";
}

/// <summary>A track or source that cannot be played, with a message staff can act on.</summary>
public sealed class AudioSourceException(string message, Exception? inner = null) : Exception(message, inner);
