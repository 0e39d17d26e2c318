using SettingControl.Audio.Chain;
using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;

namespace SettingControl.Audio.Tests;

/// <summary>Each link of the chain on its own, measured.</summary>
public sealed class ChainTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly WaveFormat Stereo48k = AudioFormat.Output;

    [Fact]
    public void Equal_power_crossfade_of_uncorrelated_signals_keeps_RMS_within_1_dB_of_steady_state()
    {
        var mixer = new CrossfadeMixer(Stereo48k, 960);
        var seconds = 12L * 48_000;
        mixer.Play(new SignalGenerator(SignalGenerator.SignalKind.WhiteNoise, Stereo48k, seconds, levelDb: -12, seed: 1), 1f, 0);
        var steady = new float[48_000 * 2];
        mixer.Read(steady);
        var reference = Measure.Rms(steady);

        // An 8-second equal-power fade to a second, independent noise of the same level.
        mixer.Play(new SignalGenerator(SignalGenerator.SignalKind.WhiteNoise, Stereo48k, seconds, levelDb: -12, seed: 99), 1f, 8 * 48_000);
        var fade = new float[9 * 48_000 * 2];
        mixer.Read(fade);

        var worst = 0.0;
        for (var w = 0; w < 90; w++)
        {
            var window = fade.AsSpan(w * 4800 * 2, 4800 * 2);
            worst = Math.Max(worst, Math.Abs(Measure.Db(Measure.Rms(window) / reference)));
        }

        output.WriteLine($"equal-power crossfade: RMS within {worst:0.000} dB of steady state in every 100 ms window");
        Assert.True(worst < 1.0, $"RMS strayed {worst:0.00} dB from steady state during the crossfade");
        Assert.Equal(1, mixer.ActiveVoices);
    }

    [Fact]
    public void A_linear_crossfade_would_dip_which_is_why_the_mixer_uses_equal_power()
    {
        // The contrast the test above guards against: at the midpoint a linear fade of uncorrelated
        // signals sits at sqrt(0.5² + 0.5²) = −3 dB.
        var midpoint = Math.Sqrt((0.5 * 0.5) + (0.5 * 0.5));
        var equalPower = Math.Sqrt(Math.Pow(Math.Cos(Math.PI / 4), 2) + Math.Pow(Math.Sin(Math.PI / 4), 2));
        Assert.True(Measure.Db(midpoint) < -2.9);
        Assert.Equal(0, Measure.Db(equalPower), 6);
    }

    [Fact]
    public void A_volume_ramp_is_monotonic_sample_accurate_and_never_steps_more_than_one_increment()
    {
        var ramp = new VolumeRamp(new ConstantSource(1f, AudioFormat.Float(48_000, 1)));
        ramp.RampTo(0.2, 0);
        ramp.RampTo(0.8, 4800);
        var samples = new float[6000];
        ramp.Read(samples);

        var increment = (0.8 - 0.2) / 4800;
        for (var i = 1; i < samples.Length; i++)
        {
            var step = samples[i] - samples[i - 1];
            Assert.True(step >= -1e-7, $"not monotonic at {i}");
            Assert.True(step <= increment + 1e-6, $"step {step} at {i} exceeds one increment {increment}");
        }

        Assert.Equal(0.2 + increment, samples[0], 5);
        Assert.Equal(0.8f, samples[4799]);
        Assert.Equal(0.8f, samples[5999]);
    }

    [Fact]
    public void A_ramp_interrupted_midway_continues_from_where_the_gain_is()
    {
        var ramp = new VolumeRamp(new ConstantSource(1f, AudioFormat.Float(48_000, 1)));
        ramp.RampTo(1, 1000);
        var first = new float[500];
        ramp.Read(first);
        ramp.RampTo(0, 1000);
        var second = new float[1000];
        ramp.Read(second);

        Assert.True(Math.Abs(second[0] - first[^1]) <= 0.5 / 1000 + 1e-6, "the new ramp jumped");
        Assert.Equal(0f, second[^1]);
    }

    [Fact]
    public void Generators_and_the_resampler_render_sample_accurate_lengths()
    {
        var (spec, error) = GeneratorSpec.Parse("generator:drone?root=110&seconds=1.2345");
        Assert.Null(error);
        Assert.Equal(59_256, Measure.ReadAll(spec!.Create()).Length / 2);

        var at44 = GeneratorSpec.Parse("generator:sine?freq=1000&seconds=2&rate=44100").Spec!.Create();
        var (chain, frames) = TrackOpener.Adapt(at44, at44.LengthFrames, Stereo48k);
        var resampled = Measure.ReadAll(chain);
        Assert.Equal(96_000, frames);
        Assert.InRange(resampled.Length / 2, 95_999, 96_001);
    }

    [Fact]
    public void The_resampler_keeps_frequency_and_amplitude()
    {
        var at44 = GeneratorSpec.Parse("generator:sine?freq=1000&seconds=1&rate=44100&level=-6").Spec!.Create();
        var resampled = Measure.ReadAll(new SincResampler(at44, 48_000));
        var amplitude = Math.Pow(10, -6 / 20.0);
        var worst = 0.0;
        for (var n = 100; n < 47_000; n++)
        {
            var ideal = amplitude * Math.Sin(2 * Math.PI * 1000 * n / 48_000.0);
            worst = Math.Max(worst, Math.Abs(resampled[2 * n] - ideal));
        }

        output.WriteLine($"resampler 44.1 → 48 kHz, 1 kHz sine: largest deviation {worst:0.000000} from the ideal");
        Assert.True(worst < 2e-3, $"resampled sine deviates by {worst:0.00000} from the ideal 48 kHz sine");
    }

    [Theory]
    [InlineData(26_000)]
    [InlineData(30_000)]
    [InlineData(40_000)]
    public void Downsampling_keeps_tones_above_the_new_Nyquist_from_aliasing_into_the_audio_band(double frequency)
    {
        // A 96 kHz file with content above 24 kHz, played at 48 kHz: without an anti-alias filter the tone folds back
        // to 48 kHz − f, inside what a listener hears.
        var at96 = new SignalGenerator(SignalGenerator.SignalKind.Sine, AudioFormat.Float(96_000, 2), 96_000, frequency, levelDb: -6);
        var resampled = Measure.ReadAll(new SincResampler(at96, 48_000));
        var level = 20 * Math.Log10(Measure.Rms(resampled.AsSpan(4_000, resampled.Length - 8_000)) / (Math.Pow(10, -6 / 20.0) / Math.Sqrt(2)));

        output.WriteLine($"resampler 96 → 48 kHz, {frequency / 1000:0} kHz sine: what is left is {level:0.0} dB of the tone");
        Assert.Equal(48_000, resampled.Length / 2);
        Assert.True(level < -60, $"a {frequency} Hz tone aliased at {level:0.0} dB");
    }

    [Fact]
    public void Downsampling_keeps_the_audio_band_at_its_level()
    {
        foreach (var frequency in new[] { 1_000.0, 10_000, 20_000 })
        {
            var at96 = new SignalGenerator(SignalGenerator.SignalKind.Sine, AudioFormat.Float(96_000, 2), 96_000, frequency, levelDb: -6);
            var resampled = Measure.ReadAll(new SincResampler(at96, 48_000));
            var level = 20 * Math.Log10(Measure.Rms(resampled.AsSpan(4_000, resampled.Length - 8_000)) / (Math.Pow(10, -6 / 20.0) / Math.Sqrt(2)));
            output.WriteLine($"resampler 96 → 48 kHz, {frequency / 1000:0} kHz sine: {level:0.00} dB");
            Assert.InRange(level, -0.5, 0.5);
        }
    }

    [Theory]
    [InlineData("generator:drone?root=110&seconds=10")]
    [InlineData("generator:pad?root=220&chord=0,4,7,11&seconds=10&swell=13&level=-18&seed=4")]
    [InlineData("generator:noise?color=brown&seconds=10&swell=9")]
    [InlineData("generator:sine?freq=440&seconds=1")]
    [InlineData("generator:silence?seconds=3")]
    public void Generator_sources_parse(string source)
    {
        var (spec, error) = GeneratorSpec.Parse(source);
        Assert.Null(error);
        Assert.NotNull(spec);
    }

    [Theory]
    [InlineData("generator:organ?root=110", "unknown generator 'organ'")]
    [InlineData("generator:drone?root=110&tempo=3", "no parameter 'tempo'")]
    [InlineData("generator:drone?root=abc", "'root' must be a number")]
    [InlineData("generator:drone?seconds=-4", "'seconds' must be between")]
    [InlineData("generator:noise?color=purple", "white, pink or brown")]
    public void Bad_generator_sources_say_what_is_wrong(string source, string expected)
    {
        var (spec, error) = GeneratorSpec.Parse(source);
        Assert.Null(spec);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Drones_stay_below_full_scale_and_are_not_silent()
    {
        var samples = Measure.ReadAll(GeneratorSpec.Parse("generator:drone?root=55&seconds=20&level=-3").Spec!.Create());
        Assert.True(samples.Max(Math.Abs) <= 1f);
        Assert.True(Measure.Rms(samples) > 0.01);
    }
}
