namespace SettingControl.Audio.Chain;

/// <summary>
/// A gain that moves to a target over an exact number of frames, by the same increment every sample:
/// sample-accurate, monotonic, no zipper steps. The gain at frame k of a ramp is start + k·increment
/// (computed, not accumulated, so long ramps do not drift) and lands exactly on the target.
/// </summary>
public sealed class VolumeRamp(ISampleProvider source) : ISampleProvider
{
    private double _start;
    private double _target;
    private long _rampFrames;
    private long _rampDone;

    public WaveFormat WaveFormat => source.WaveFormat;

    public double Gain => _rampDone >= _rampFrames ? _target : _start + ((_target - _start) * _rampDone / _rampFrames);

    public double Target => _target;

    public bool IsRamping => _rampDone < _rampFrames;

    /// <summary>Starts a ramp from the current gain (wherever an earlier ramp had got to) to the target.</summary>
    public void RampTo(double target, long frames)
    {
        _start = Gain;
        _target = target;
        _rampFrames = Math.Max(0, frames);
        _rampDone = 0;
    }

    public int Read(Span<float> buffer)
    {
        var read = source.Read(buffer);
        Apply(buffer[..read], WaveFormat.Channels);
        return read;
    }

    /// <summary>Applies the gain (advancing the ramp) to samples already in the buffer.</summary>
    public void Apply(Span<float> samples, int channels)
    {
        var frames = samples.Length / channels;
        var f = 0;
        if (_rampDone < _rampFrames)
        {
            var increment = (_target - _start) / _rampFrames;
            for (; f < frames && _rampDone < _rampFrames; f++)
            {
                _rampDone++;
                var gain = (float)(_start + (increment * _rampDone));
                for (var c = 0; c < channels; c++)
                {
                    samples[(f * channels) + c] *= gain;
                }
            }
        }

        if (f < frames)
        {
            var gain = (float)_target;
            if (gain == 1f)
            {
                return;
            }

            var rest = samples[(f * channels)..];
            if (gain == 0f)
            {
                rest.Clear();
                return;
            }

            for (var i = 0; i < rest.Length; i++)
            {
                rest[i] *= gain;
            }
        }
    }
}
