using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// Where a room's rendered blocks go. Writing never throws: an output that cannot play says so in
/// <see cref="State"/> ("unavailable: …") and drops blocks, and the room keeps its clock and position.
/// </summary>
public interface IAudioOutput : IDisposable
{
    /// <summary>What it is, for the dashboard: <c>none</c>, <c>alsa:default</c>, <c>file:/path.wav</c>.</summary>
    string Description { get; }

    /// <summary><c>ok</c>, or <c>unavailable: &lt;reason&gt;</c>.</summary>
    string State { get; }

    /// <summary>Takes one block of interleaved samples in the engine's output format.</summary>
    void Write(ReadOnlySpan<float> samples);
}

/// <summary>Plays nowhere; the render clock still runs, so position and fades advance as if heard.</summary>
public sealed class NullOutput : IAudioOutput
{
    public string Description => "none";

    public string State => "ok";

    public void Write(ReadOnlySpan<float> samples)
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// A room's configured output, as staff set it (<c>{"kind":"alsa","device":"default"}</c>,
/// <c>{"kind":"file","path":"…"}</c>, <c>{"kind":"none"}</c>) and as it is persisted.
/// </summary>
public sealed record AudioOutputSetting(string Kind, string? Device = null, string? Path = null)
{
    public static AudioOutputSetting None { get; } = new("none");

    /// <summary>
    /// Parses <c>Audio:DefaultOutput</c>: <c>none</c>, <c>alsa</c>, <c>alsa:DEVICE</c>, or <c>file:PATH</c>
    /// where <c>{room}</c> in PATH becomes the room id.
    /// </summary>
    public static AudioOutputSetting FromConfig(string? text, string roomId)
    {
        var value = (text ?? "none").Trim();
        var colon = value.IndexOf(':');
        var kind = (colon < 0 ? value : value[..colon]).ToLowerInvariant();
        var argument = colon < 0 ? null : value[(colon + 1)..];
        return kind switch
        {
            "alsa" => new AudioOutputSetting("alsa", string.IsNullOrWhiteSpace(argument) ? "default" : argument),
            "file" when !string.IsNullOrWhiteSpace(argument) => new AudioOutputSetting("file", Path: argument.Replace("{room}", roomId, StringComparison.Ordinal)),
            _ => None,
        };
    }

    /// <summary>Null when valid; otherwise the field and what is wrong.</summary>
    public (string Field, string Message)? Validate()
    {
        switch (Kind)
        {
            case "none":
                return null;
            case "alsa":
                return string.IsNullOrWhiteSpace(Device) || Device.Length > 200 || Device.Any(char.IsControl)
                    ? ("device", "An ALSA device name is required, e.g. \"default\" or \"hw:0,0\".")
                    : null;
            case "file":
                if (string.IsNullOrWhiteSpace(Path) || !System.IO.Path.IsPathFullyQualified(Path))
                {
                    return ("path", "A file output needs an absolute path ending in .wav.");
                }

                return Path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)
                    ? null
                    : ("path", "A file output needs an absolute path ending in .wav.");
            default:
                return ("kind", $"'kind' must be alsa, file or none; got '{Kind}'.");
        }
    }

    public IAudioOutput Create(WaveFormat format) => Kind switch
    {
        "alsa" => new AlsaOutput(Device ?? "default", format),
        "file" => new WavFileOutput(Path!, format),
        _ => new NullOutput(),
    };
}
