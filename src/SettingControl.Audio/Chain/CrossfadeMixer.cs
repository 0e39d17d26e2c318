namespace SettingControl.Audio.Chain;

/// <summary>
/// Mixes the tracks of one room with equal-power crossfades: the outgoing track's gain follows cos θ and
/// the incoming one's sin θ as θ goes 0 → π/2, so for uncorrelated music the summed power stays constant
/// (a linear crossfade dips about 6 dB in the middle). Each voice keeps its own angle, so a fade that
/// starts while another is still running continues from where that voice is: nothing ever jumps.
/// The angle advances by rotating (sin θ, cos θ) one step per sample, cheaply and sample-accurately.
/// </summary>
public sealed class CrossfadeMixer : ISampleProvider
{
    private const int MaxVoices = 8;

    private readonly Voice?[] _voices = new Voice?[MaxVoices];
    private float[]? _scratch;
    private readonly int _maxFrames;

    public CrossfadeMixer(WaveFormat format, int maxBlockFrames)
    {
        WaveFormat = format;
        _maxFrames = maxBlockFrames;
    }

    public WaveFormat WaveFormat { get; }

    /// <summary>The most recently started voice: the track that is (or is becoming) current.</summary>
    public ISampleProvider? Lead { get; private set; }

    /// <summary>True once the lead track has returned fewer samples than asked (it has ended).</summary>
    public bool LeadEnded { get; private set; }

    public int ActiveVoices => _voices.Count(v => v is not null);

    /// <summary>
    /// Fades <paramref name="source"/> in over <paramref name="fadeFrames"/> while every other voice fades out
    /// over the same frames (equal power). Zero frames cuts at once. Returns false when too many voices.
    /// </summary>
    public void Play(ISampleProvider source, float trackGain, long fadeFrames)
    {
        FadeOutAll(fadeFrames);
        var slot = Array.FindIndex(_voices, v => v is null);
        if (slot < 0)
        {
            // Too many overlapping fades (a therapist hammering "next"): drop the quietest voice.
            slot = 0;
            for (var i = 1; i < MaxVoices; i++)
            {
                if (_voices[i]!.Sin < _voices[slot]!.Sin)
                {
                    slot = i;
                }
            }

            Dispose(_voices[slot]!.Source);
        }

        var voice = new Voice(source, trackGain);
        voice.FadeTo(fadeFrames == 0 ? Math.PI / 2 : 0, 0);
        voice.FadeTo(Math.PI / 2, fadeFrames);
        _voices[slot] = voice;
        Lead = source;
        LeadEnded = false;
    }

    /// <summary>Fades every voice to silence over the frames given; they are released when silent.</summary>
    public void FadeOutAll(long fadeFrames)
    {
        LeadEnded = false;
        foreach (var voice in _voices)
        {
            voice?.FadeTo(0, fadeFrames);
        }

        if (fadeFrames == 0)
        {
            Clear();
        }
    }

    public void Clear()
    {
        for (var i = 0; i < MaxVoices; i++)
        {
            if (_voices[i] is { } v)
            {
                Dispose(v.Source);
                _voices[i] = null;
            }
        }

        Lead = null;
    }

    /// <summary>Always fills the whole buffer (silence when nothing plays): the mixer never ends.</summary>
    public int Read(Span<float> buffer)
    {
        buffer.Clear();
        var channels = WaveFormat.Channels;
        for (var offset = 0; offset < buffer.Length; offset += _maxFrames * channels)
        {
            MixBlock(buffer.Slice(offset, Math.Min(_maxFrames * channels, buffer.Length - offset)), channels);
        }

        return buffer.Length;
    }

    private void MixBlock(Span<float> output, int channels)
    {
        for (var i = 0; i < MaxVoices; i++)
        {
            if (_voices[i] is not { } voice)
            {
                continue;
            }

            // Allocated when a room first plays: idle rooms (most of a large facility) cost no buffers.
            _scratch ??= new float[_maxFrames * channels];
            var scratch = _scratch.AsSpan(0, output.Length);
            var read = voice.Source.Read(scratch);
            var frames = read / channels;
            for (var f = 0; f < frames; f++)
            {
                var gain = (float)voice.Step() * voice.TrackGain;
                for (var c = 0; c < channels; c++)
                {
                    output[(f * channels) + c] += scratch[(f * channels) + c] * gain;
                }
            }

            var ended = read < output.Length;
            if (ended && ReferenceEquals(voice.Source, Lead))
            {
                LeadEnded = true;
            }

            if (ended || voice.IsSilent)
            {
                Dispose(voice.Source);
                _voices[i] = null;
                if (ReferenceEquals(voice.Source, Lead) && voice.IsSilent && !ended)
                {
                    Lead = null;
                }
            }
        }
    }

    private static void Dispose(ISampleProvider source) => (source as IDisposable)?.Dispose();

    /// <summary>One track in the mix with its fade angle θ; its gain is sin θ.</summary>
    private sealed class Voice(ISampleProvider source, float trackGain)
    {
        private double _sin;
        private double _cos = 1;
        private double _stepSin;
        private double _stepCos = 1;
        private long _remaining;
        private double _targetAngle;

        public ISampleProvider Source { get; } = source;

        public float TrackGain { get; } = trackGain;

        public double Sin => _sin;

        public bool IsSilent => _remaining == 0 && _targetAngle == 0;

        public void FadeTo(double angle, long frames)
        {
            _targetAngle = angle;
            if (frames <= 0)
            {
                _sin = Math.Sin(angle);
                _cos = Math.Cos(angle);
                _remaining = 0;
                return;
            }

            var current = Math.Atan2(_sin, _cos);
            var delta = (angle - current) / frames;
            _stepSin = Math.Sin(delta);
            _stepCos = Math.Cos(delta);
            _remaining = frames;
        }

        /// <summary>Advances one frame and returns the gain to apply to it.</summary>
        public double Step()
        {
            if (_remaining > 0)
            {
                var sin = (_sin * _stepCos) + (_cos * _stepSin);
                _cos = (_cos * _stepCos) - (_sin * _stepSin);
                _sin = sin;
                if (--_remaining == 0)
                {
                    // Land exactly on the target, whatever rounding the rotation accumulated.
                    _sin = Math.Sin(_targetAngle);
                    _cos = Math.Cos(_targetAngle);
                }
            }

            return _sin;
        }
    }
}
