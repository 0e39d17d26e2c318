namespace SettingControl.Audio.Chain;

/// <summary>Plays a mono source on both channels, so every track reaches the mixer as stereo.</summary>
public sealed class MonoToStereo(ISampleProvider source) : ISampleProvider, IDisposable
{
    private float[] _mono = [];

    public WaveFormat WaveFormat { get; } = source.WaveFormat with { Channels = 2 };

    public int Read(Span<float> buffer)
    {
        var frames = buffer.Length / 2;
        if (_mono.Length < frames)
        {
            _mono = new float[frames];
        }

        var read = source.Read(_mono.AsSpan(0, frames));
        for (var i = 0; i < read; i++)
        {
            buffer[2 * i] = buffer[(2 * i) + 1] = _mono[i];
        }

        return read * 2;
    }

    public void Dispose() => (source as IDisposable)?.Dispose();
}
