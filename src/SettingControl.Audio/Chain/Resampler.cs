namespace SettingControl.Audio.Chain;

/// <summary>
/// Converts a source to the output rate by 4-point cubic (Catmull-Rom) interpolation, streaming with
/// three frames of history. No anti-alias filter: downsampling content above the new Nyquist (rare in
/// ambient material, which sits far below 20 kHz) would alias; upsampling, the usual case, is clean.
/// </summary>
public sealed class Resampler : ISampleProvider, IDisposable
{
    private const int BlockFrames = 2048;

    private readonly ISampleProvider _source;
    private readonly int _channels;
    private readonly double _step;
    private readonly float[] _buffer;
    private int _frames;
    private double _position;
    private int _endFrame = int.MaxValue;

    public Resampler(ISampleProvider source, int outputRate)
    {
        _source = source;
        _channels = source.WaveFormat.Channels;
        WaveFormat = source.WaveFormat with { SampleRate = outputRate };
        _step = (double)source.WaveFormat.SampleRate / outputRate;

        // Room for the history, one block, and the two frames of zero padding at the end.
        _buffer = new float[(BlockFrames + 8) * _channels];

        // Frame 0 is the silent frame "before" the first one; output starts at input frame 1.
        _frames = 1;
        _position = 1;
    }

    public WaveFormat WaveFormat { get; }

    public int Read(Span<float> buffer)
    {
        var channels = _channels;
        var wanted = buffer.Length / channels;
        var written = 0;
        while (written < wanted)
        {
            var i = (int)_position;
            if (i >= _endFrame)
            {
                break;
            }

            if (i + 2 >= _frames)
            {
                Refill(i);
                continue;
            }

            var t = (float)(_position - i);
            var b = _buffer;
            for (var c = 0; c < channels; c++)
            {
                var xm1 = b[((i - 1) * channels) + c];
                var x0 = b[(i * channels) + c];
                var x1 = b[((i + 1) * channels) + c];
                var x2 = b[((i + 2) * channels) + c];
                var c1 = 0.5f * (x1 - xm1);
                var c2 = xm1 - (2.5f * x0) + (2f * x1) - (0.5f * x2);
                var c3 = (0.5f * (x2 - xm1)) + (1.5f * (x0 - x1));
                buffer[(written * channels) + c] = (((((c3 * t) + c2) * t) + c1) * t) + x0;
            }

            written++;
            _position += _step;
        }

        return written * channels;
    }

    public void Dispose() => (_source as IDisposable)?.Dispose();

    private void Refill(int current)
    {
        // Keep from the frame before the current one: the interpolation needs it.
        var keep = current - 1;
        var channels = _channels;
        Array.Copy(_buffer, keep * channels, _buffer, 0, (_frames - keep) * channels);
        _frames -= keep;
        _position -= keep;
        if (_endFrame != int.MaxValue)
        {
            _endFrame -= keep;
        }

        var room = (_buffer.Length / channels) - _frames - 4;
        var read = _source.Read(_buffer.AsSpan(_frames * channels, room * channels)) / channels;
        _frames += read;
        if (read < room && _endFrame == int.MaxValue)
        {
            // The source ended: two silent frames let the last real frames interpolate, then stop.
            _endFrame = _frames;
            _buffer.AsSpan(_frames * channels, 2 * channels).Clear();
            _frames += 2;
        }
    }
}
