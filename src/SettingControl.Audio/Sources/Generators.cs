using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Sources;

/// <summary>
/// A source that synthesises its samples, like NAudio's SignalGenerator: demo playlists play on a fresh
/// clone with no audio files. Every generator has a fixed length, so playlists know their durations.
/// </summary>
public abstract class GeneratorSource : ISampleProvider
{
    private long _renderedFrames;

    protected GeneratorSource(WaveFormat format, long lengthFrames)
    {
        WaveFormat = format;
        LengthFrames = lengthFrames;
    }

    public WaveFormat WaveFormat { get; }

    public long LengthFrames { get; }

    public int Read(Span<float> buffer)
    {
        var channels = WaveFormat.Channels;
        var frames = (int)Math.Min(buffer.Length / channels, LengthFrames - _renderedFrames);
        if (frames <= 0)
        {
            return 0;
        }

        var output = buffer[..(frames * channels)];
        output.Clear();
        Render(output, _renderedFrames, frames);
        _renderedFrames += frames;
        return output.Length;
    }

    /// <summary>Adds <paramref name="frames"/> frames starting at frame <paramref name="firstFrame"/> into a cleared buffer.</summary>
    protected abstract void Render(Span<float> output, long firstFrame, int frames);

    internal static float DbToGain(double db) => (float)Math.Pow(10, db / 20);
}

/// <summary>Test tones and noise: <c>sine</c> (exact, phase from the frame number), <c>noise</c> (white, pink, brown), <c>silence</c>.</summary>
public sealed class SignalGenerator : GeneratorSource
{
    private readonly SignalKind _kind;
    private readonly double _frequency;
    private readonly float _gain;
    private readonly double _swellSeconds;
    private readonly NoiseChannel[] _noise;

    public SignalGenerator(SignalKind kind, WaveFormat format, long lengthFrames, double frequency = 440, double levelDb = -12, double swellSeconds = 0, int seed = 1)
        : base(format, lengthFrames)
    {
        _kind = kind;
        _frequency = frequency;
        _gain = DbToGain(levelDb);
        _swellSeconds = swellSeconds;
        _noise = new NoiseChannel[format.Channels];
        for (var c = 0; c < _noise.Length; c++)
        {
            // Each channel its own seed: decorrelated left and right sound wide, as real rain or surf does.
            _noise[c] = new NoiseChannel((uint)(seed * 7919 + c * 104_729) | 1);
        }
    }

    public enum SignalKind
    {
        Sine,
        WhiteNoise,
        PinkNoise,
        BrownNoise,
        Silence,
    }

    protected override void Render(Span<float> output, long firstFrame, int frames)
    {
        var channels = WaveFormat.Channels;
        switch (_kind)
        {
            case SignalKind.Silence:
                return;
            case SignalKind.Sine:
                var w = 2 * Math.PI * _frequency / WaveFormat.SampleRate;
                for (var f = 0; f < frames; f++)
                {
                    var v = (float)(Math.Sin(w * (firstFrame + f)) * _gain);
                    for (var c = 0; c < channels; c++)
                    {
                        output[f * channels + c] = v;
                    }
                }

                return;
            default:
                for (var f = 0; f < frames; f++)
                {
                    var swell = _swellSeconds > 0
                        ? (float)(0.55 + 0.45 * Math.Sin(2 * Math.PI * (firstFrame + f) / (_swellSeconds * WaveFormat.SampleRate)))
                        : 1f;
                    for (var c = 0; c < channels; c++)
                    {
                        ref var n = ref _noise[c];
                        var white = n.NextWhite();
                        var v = _kind switch
                        {
                            SignalKind.PinkNoise => n.Pink(white),
                            SignalKind.BrownNoise => n.Brown(white),
                            _ => white,
                        };
                        output[f * channels + c] = v * _gain * swell;
                    }
                }

                return;
        }
    }

    /// <summary>Xorshift white noise with Paul Kellet's economy pink filter and a leaky integrator for brown.</summary>
    private struct NoiseChannel(uint state)
    {
        private uint _state = state;
        private float _b0, _b1, _b2, _brown;

        public float NextWhite()
        {
            _state ^= _state << 13;
            _state ^= _state >> 17;
            _state ^= _state << 5;
            return (_state / (float)uint.MaxValue * 2f) - 1f;
        }

        public float Pink(float white)
        {
            _b0 = (0.99765f * _b0) + (white * 0.0990460f);
            _b1 = (0.96300f * _b1) + (white * 0.2965164f);
            _b2 = (0.57000f * _b2) + (white * 1.0526913f);
            return (_b0 + _b1 + _b2 + (white * 0.1848f)) * 0.25f;
        }

        public float Brown(float white)
        {
            _brown = (_brown * 0.995f) + (white * 0.05f);
            return _brown * 2.5f;
        }
    }
}

/// <summary>
/// Ambient drones and pads: a bank of sine oscillators (a root, its sub-octave, fifth and octaves for a
/// drone; a chord of detuned pairs for a pad), each swelling slowly on its own period and panned across
/// the stereo field, with a gentle fade in and out. Oscillators run by complex rotation (two multiplies
/// and adds per sample, no sin() per sample) and swells at control rate, so a drone costs a few
/// nanoseconds per frame.
/// </summary>
public sealed class DroneGenerator : GeneratorSource
{
    private const int ControlFrames = 64;

    private readonly double[] _cos, _sin, _rotCos, _rotSin;
    private readonly double[] _weight, _left, _right, _swellRate, _swellPhase, _swell;
    private readonly long[] _swellAt;
    private readonly float _scale;
    private readonly long _fadeFrames;

    public DroneGenerator(WaveFormat format, long lengthFrames, IReadOnlyList<double> frequencies, IReadOnlyList<double> weights, double swellSeconds, double levelDb, int seed, double fadeSeconds = 3)
        : base(format, lengthFrames)
    {
        var n = frequencies.Count;
        _cos = new double[n];
        _sin = new double[n];
        _rotCos = new double[n];
        _rotSin = new double[n];
        _weight = [.. weights];
        _left = new double[n];
        _right = new double[n];
        _swell = new double[n];
        _swellAt = new long[n];
        _swellRate = new double[n];
        _swellPhase = new double[n];
        var random = new Random(seed);
        for (var v = 0; v < n; v++)
        {
            var w = 2 * Math.PI * frequencies[v] / format.SampleRate;
            var phase = random.NextDouble() * 2 * Math.PI;
            _cos[v] = Math.Cos(phase);
            _sin[v] = Math.Sin(phase);
            _rotCos[v] = Math.Cos(w);
            _rotSin[v] = Math.Sin(w);
            var pan = 0.2 + (0.6 * random.NextDouble());
            _left[v] = Math.Cos(pan * Math.PI / 2);
            _right[v] = Math.Sin(pan * Math.PI / 2);
            _swellAt[v] = -1;
            var period = swellSeconds * (0.7 + (0.6 * random.NextDouble()));
            _swellRate[v] = period > 0 ? 2 * Math.PI / (period * format.SampleRate) : 0;
            _swellPhase[v] = random.NextDouble() * 2 * Math.PI;
        }

        // The sum of all weights at full swell reaches the level: a drone never clips.
        _scale = DbToGain(levelDb) / (float)Math.Max(1e-9, _weight.Sum());
        _fadeFrames = Math.Min(format.FramesOf(TimeSpan.FromSeconds(fadeSeconds)), lengthFrames / 2);
    }

    protected override void Render(Span<float> output, long firstFrame, int frames)
    {
        var channels = WaveFormat.Channels;
        ref var first = ref MemoryMarshal.GetReference(output);
        for (var start = 0; start < frames; start += ControlFrames)
        {
            var count = Math.Min(ControlFrames, frames - start);
            var at = firstFrame + start;
            var envelopeFrom = Envelope(at);
            var envelopeTo = Envelope(at + count);
            ref var o = ref Unsafe.Add(ref first, start * channels);

            // Two voices per pass: each oscillator is a chain of dependent multiplies, so running two
            // side by side lets the CPU overlap them (about twice the speed of one at a time).
            var v = 0;
            for (; v + 1 < _cos.Length && channels == 2; v += 2)
            {
                var (g0, step0) = Gains(v, at, count, envelopeFrom, envelopeTo);
                var (g1, step1) = Gains(v + 1, at, count, envelopeFrom, envelopeTo);
                double c0 = _cos[v], s0 = _sin[v], rc0 = _rotCos[v], rs0 = _rotSin[v], l0 = _left[v], r0 = _right[v];
                double c1 = _cos[v + 1], s1 = _sin[v + 1], rc1 = _rotCos[v + 1], rs1 = _rotSin[v + 1], l1 = _left[v + 1], r1 = _right[v + 1];
                for (var f = 0; f < count; f++)
                {
                    var n0 = (c0 * rc0) - (s0 * rs0);
                    s0 = (s0 * rc0) + (c0 * rs0);
                    c0 = n0;
                    var n1 = (c1 * rc1) - (s1 * rs1);
                    s1 = (s1 * rc1) + (c1 * rs1);
                    c1 = n1;
                    var a = s0 * g0;
                    var b = s1 * g1;
                    Unsafe.Add(ref o, 2 * f) += (float)((a * l0) + (b * l1));
                    Unsafe.Add(ref o, (2 * f) + 1) += (float)((a * r0) + (b * r1));
                    g0 += step0;
                    g1 += step1;
                }

                Store(v, c0, s0);
                Store(v + 1, c1, s1);
            }

            for (; v < _cos.Length; v++)
            {
                var (g, step) = Gains(v, at, count, envelopeFrom, envelopeTo);
                double c = _cos[v], s = _sin[v], rc = _rotCos[v], rs = _rotSin[v];
                double left = _left[v], right = _right[v];
                for (var f = 0; f < count; f++)
                {
                    var next = (c * rc) - (s * rs);
                    s = (s * rc) + (c * rs);
                    c = next;
                    var sample = s * g;
                    if (channels == 2)
                    {
                        Unsafe.Add(ref o, 2 * f) += (float)(sample * left);
                        Unsafe.Add(ref o, (2 * f) + 1) += (float)(sample * right);
                    }
                    else
                    {
                        Unsafe.Add(ref o, f) += (float)sample;
                    }

                    g += step;
                }

                Store(v, c, s);
            }
        }
    }

    /// <summary>
    /// A voice's gain at the start of a control block and its per-sample step to the block's end:
    /// interpolated per sample, so swells and fades have no zipper noise. The swell at a block's end
    /// is the next block's start, so it is computed once.
    /// </summary>
    private (double From, double Step) Gains(int v, long at, int count, double envelopeFrom, double envelopeTo)
    {
        var swellFrom = _swellAt[v] == at ? _swell[v] : Swell(v, at);
        var swellTo = Swell(v, at + count);
        (_swellAt[v], _swell[v]) = (at + count, swellTo);
        var from = swellFrom * envelopeFrom * _weight[v] * _scale;
        var to = swellTo * envelopeTo * _weight[v] * _scale;
        return (from, (to - from) / count);
    }

    /// <summary>Keeps the oscillator state, renormalised so rounding never grows or shrinks it.</summary>
    private void Store(int v, double c, double s)
    {
        var norm = 1 / Math.Sqrt((c * c) + (s * s));
        _cos[v] = c * norm;
        _sin[v] = s * norm;
    }

    private double Swell(int voice, long frame) =>
        _swellRate[voice] == 0 ? 1 : 0.6 + (0.4 * Math.Sin((_swellRate[voice] * frame) + _swellPhase[voice]));

    private double Envelope(long frame)
    {
        if (_fadeFrames <= 0)
        {
            return 1;
        }

        var fromEnd = LengthFrames - frame;
        var x = Math.Clamp(Math.Min(frame, fromEnd) / (double)_fadeFrames, 0, 1);
        return Math.Sin(x * Math.PI / 2);
    }
}
