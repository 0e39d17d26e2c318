using SettingControl.Audio.Chain;
using SettingControl.Domain;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// Where a room's rendered blocks go. Writing never throws: an output that cannot play says so in
/// <see cref="State"/> ("unavailable: …") and drops blocks, and the room keeps its clock and position.
/// </summary>
public interface IAudioOutput : IDisposable
{
    /// <summary>What it is, for the dashboard: <c>none</c>, <c>alsa:default</c>, <c>file:room-1.wav</c>.</summary>
    string Description { get; }

    /// <summary><c>ok</c>, <c>unavailable: &lt;reason&gt;</c>, or <c>refused: &lt;reason&gt;</c> for a setting that broke <see cref="AudioOutputRules"/>.</summary>
    string State { get; }

    /// <summary>
    /// The output's speakers on the network and whether each is connected (Snapcast), for the room's dashboard; null
    /// for an output without such (a sound card, a file, none). The same list instance until it changes: the render
    /// thread compares references after every block, as it does <see cref="State"/>.
    /// </summary>
    IReadOnlyList<MusicSpeaker>? Speakers => null;

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
/// <c>{"kind":"file","path":"room-1.wav"}</c>, <c>{"kind":"none"}</c>) and as it is persisted. Only
/// <see cref="AudioOutputRules"/> turns one into an output, checking it first: a stored setting is not trusted.
/// In a cluster, <paramref name="Node"/> names the node (<c>Cluster:NodeName</c>) whose sound card or folder this is:
/// the room is placed on that node while it is up (docs/cluster.md).
/// A <c>snapcast</c> output (<c>{"kind":"snapcast","server":"127.0.0.1","controlPort":1705,"streamPort":4953,"stream":"room-1"}</c>)
/// sends the room to a Snapcast server's stream of that name (docs/audio.md, "Snapcast"); its optional
/// <paramref name="SpeakerVolume"/> (0–100) is the level staff set the room's speakers to on the server, once.
/// </summary>
public sealed record AudioOutputSetting(
    string Kind,
    string? Device = null,
    string? Path = null,
    string? Node = null,
    string? Server = null,
    int? ControlPort = null,
    int? StreamPort = null,
    string? Stream = null,
    int? SpeakerVolume = null)
{
    public static AudioOutputSetting None { get; } = new("none");

    /// <summary>
    /// Parses <c>Audio:DefaultOutput</c>: <c>none</c>, <c>alsa</c>, <c>alsa:DEVICE</c>, or <c>file:NAME</c>
    /// (a file name in <c>Audio:FileOutputDirectory</c>) where <c>{room}</c> in NAME becomes the room id.
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
}
