using System.Globalization;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Sources;

/// <summary>
/// The <c>generator:</c> track source syntax (docs/audio.md):
/// <c>generator:KIND?key=value&amp;key=value</c> with KIND <c>drone</c>, <c>pad</c>, <c>noise</c>, <c>sine</c>
/// or <c>silence</c>. Parsed strictly: an unknown kind or key, or a value out of range, is an error naming it.
/// </summary>
public sealed record GeneratorSpec(string Kind, IReadOnlyDictionary<string, double> Numbers, IReadOnlyDictionary<string, string> Words)
{
    public const string Prefix = "generator:";

    private static readonly Dictionary<string, string[]> KeysOf = new()
    {
        ["drone"] = ["root", "seconds", "detune", "swell", "level", "seed", "rate"],
        ["pad"] = ["root", "chord", "seconds", "detune", "swell", "level", "seed", "rate"],
        ["noise"] = ["color", "seconds", "swell", "level", "seed", "rate"],
        ["sine"] = ["freq", "seconds", "level", "rate"],
        ["silence"] = ["seconds", "rate"],
    };

    public static bool IsGenerator(string source) => source.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public double Seconds => Number("seconds", 240);

    public int Rate => (int)Number("rate", AudioFormat.Output.SampleRate);

    /// <summary>Parses the syntax; returns the spec or an error message naming what is wrong.</summary>
    public static (GeneratorSpec? Spec, string? Error) Parse(string source)
    {
        if (!IsGenerator(source))
        {
            return (null, $"'{source}' is not a generator source (it must start with '{Prefix}').");
        }

        var rest = source[Prefix.Length..];
        var query = rest.IndexOf('?');
        var kind = (query < 0 ? rest : rest[..query]).Trim().ToLowerInvariant();
        if (!KeysOf.TryGetValue(kind, out var allowed))
        {
            return (null, $"unknown generator '{kind}'; use one of {string.Join(", ", KeysOf.Keys)}.");
        }

        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        if (query >= 0)
        {
            foreach (var pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                var key = (eq < 0 ? pair : pair[..eq]).Trim().ToLowerInvariant();
                var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Trim());
                if (!allowed.Contains(key))
                {
                    return (null, $"generator '{kind}' has no parameter '{key}'; it takes {string.Join(", ", allowed)}.");
                }

                if (key is "chord" or "color")
                {
                    words[key] = value.ToLowerInvariant();
                }
                else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                {
                    numbers[key] = number;
                }
                else
                {
                    return (null, $"generator parameter '{key}' must be a number; got '{value}'.");
                }
            }
        }

        var spec = new GeneratorSpec(kind, numbers, words);
        return spec.Validate() is { } error ? (null, error) : (spec, null);
    }

    public GeneratorSource Create()
    {
        var format = AudioFormat.Float(Rate, 2);
        var frames = (long)Math.Round(Seconds * Rate);
        var seed = (int)Number("seed", 1);
        var level = Number("level", Kind is "noise" ? -24 : -12);
        switch (Kind)
        {
            case "sine":
                return new SignalGenerator(SignalGenerator.SignalKind.Sine, format, frames, Number("freq", 440), level);
            case "silence":
                return new SignalGenerator(SignalGenerator.SignalKind.Silence, format, frames);
            case "noise":
                var color = Words.GetValueOrDefault("color", "pink") switch
                {
                    "white" => SignalGenerator.SignalKind.WhiteNoise,
                    "brown" => SignalGenerator.SignalKind.BrownNoise,
                    _ => SignalGenerator.SignalKind.PinkNoise,
                };
                return new SignalGenerator(color, format, frames, levelDb: level, swellSeconds: Number("swell", 0), seed: seed);
            default:
                var (frequencies, weights) = Voices();
                return new DroneGenerator(format, frames, frequencies, weights, Number("swell", 23), level, seed);
        }
    }

    private (List<double> Frequencies, List<double> Weights) Voices()
    {
        var root = Number("root", Kind == "pad" ? 220 : 110);
        // Pads pair every note a few cents apart (a slow chorus); drones beat their root more widely.
        var detune = Math.Pow(2, Number("detune", Kind == "pad" ? 3 : 6) / 1200);
        var frequencies = new List<double>();
        var weights = new List<double>();
        void Add(double f, double w)
        {
            if (f < Rate / 2.0)
            {
                frequencies.Add(f);
                weights.Add(w);
            }
        }

        if (Kind == "drone")
        {
            // Sub-octave, root and a slightly detuned root (slow beating), fifth, octave, twelfth.
            Add(root / 2, 0.6);
            Add(root, 1.0);
            Add(root * detune, 0.8);
            Add(root * 1.5, 0.45);
            Add(root * 2 / detune, 0.4);
            Add(root * 3, 0.15);
            return (frequencies, weights);
        }

        var chord = Chord();
        for (var i = 0; i < chord.Count; i++)
        {
            var f = root * Math.Pow(2, chord[i] / 12.0);
            var w = 1.0 / (1 + (0.25 * i));
            Add(f * detune, w);
            Add(f / detune, w * 0.8);
        }

        return (frequencies, weights);
    }

    private List<double> Chord() =>
        [.. Words.GetValueOrDefault("chord", "0,7,12,16").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))];

    private string? Validate()
    {
        if (Seconds is <= 0 or > 24 * 3600)
        {
            return $"generator 'seconds' must be between 0 and 86400; got {Seconds}.";
        }

        if (Rate is < 8_000 or > 192_000)
        {
            return $"generator 'rate' must be between 8000 and 192000 Hz; got {Rate}.";
        }

        if (Number("level", -12) is < -96 or > 0)
        {
            return "generator 'level' is in dBFS, between -96 and 0.";
        }

        var frequency = Kind == "sine" ? Number("freq", 440) : Number("root", 110);
        if (frequency <= 0 || frequency >= Rate / 2.0)
        {
            return $"generator frequency must be between 0 and {Rate / 2} Hz; got {frequency}.";
        }

        if (Words.TryGetValue("color", out var color) && color is not ("white" or "pink" or "brown"))
        {
            return $"noise 'color' is white, pink or brown; got '{color}'.";
        }

        if (Words.TryGetValue("chord", out var chord)
            && chord.Split(',').Any(s => !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var semitones) || semitones is < -36 or > 48))
        {
            return $"pad 'chord' is semitones above the root separated by commas (e.g. 0,7,12,16); got '{chord}'.";
        }

        return null;
    }

    private double Number(string key, double fallback) => Numbers.TryGetValue(key, out var v) ? v : fallback;
}
