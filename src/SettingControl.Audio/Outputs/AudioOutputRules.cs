using System.Text.RegularExpressions;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// What a room's audio output may be (docs/security.md, "Audio outputs"). Checked when staff set one
/// (refused with 400, the room's output unchanged) and again whenever an output is opened, so a setting
/// stored by an older version or edited by hand is refused when loaded: the room then plays to nothing
/// and its output state says "refused: …" with the reason.
/// </summary>
public sealed class AudioOutputRules
{
    private readonly Func<IReadOnlyCollection<string>> _listAlsaDevices;

    /// <param name="fileOutputDirectory">The one folder file outputs write to (<c>Audio:FileOutputDirectory</c>).</param>
    /// <param name="listAlsaDevices">The PCM names ALSA itself lists; by default <see cref="AlsaOutput.ListDevices"/>.</param>
    /// <param name="thisNode">This node's name in a cluster: an output that belongs to another node never opens here.</param>
    public AudioOutputRules(string fileOutputDirectory, Func<IReadOnlyCollection<string>>? listAlsaDevices = null, string? thisNode = null)
    {
        FileOutputDirectory = Path.GetFullPath(fileOutputDirectory);
        _listAlsaDevices = listAlsaDevices ?? AlsaOutput.ListDevices;
        _thisNode = thisNode;
    }

    private readonly string? _thisNode;

    /// <summary>
    /// An output of another node (its sound card, its folder) while the room is here, because that node is down: the
    /// room plays to nothing rather than out of this machine's speaker or into its folder, and says so.
    /// </summary>
    private bool BelongsElsewhere(AudioOutputSetting setting) => setting.Node is { } node && _thisNode is { } me && node != me;

    public string FileOutputDirectory { get; }

    /// <summary>Null when the setting may be used; otherwise the field and a plain reason.</summary>
    public (string Field, string Message)? Check(AudioOutputSetting setting) => setting.Kind switch
    {
        "none" => null,
        "alsa" => AlsaDeviceName.RefusalOf(setting.Device, _listAlsaDevices) is { } alsa ? ("device", alsa) : null,
        "file" => (WavFileName.RefusalOf(setting.Path) ?? WavFileOutput.RefusalOfExisting(FileOutputDirectory, setting.Path!)) is { } file ? ("path", file) : null,
        "snapcast" => SnapcastEndpoint.Of(setting)!.Refusal(),
        _ => ("kind", "The output kind must be alsa, file, snapcast or none."),
    };

    /// <summary>Opens the setting's output, or a silent one that says why the setting was refused.</summary>
    public IAudioOutput Open(AudioOutputSetting setting, WaveFormat format)
    {
        if (BelongsElsewhere(setting))
        {
            return new OtherNodeOutput();
        }

        if (Check(setting) is { } refusal)
        {
            return new RefusedOutput(refusal.Message);
        }

        return setting.Kind switch
        {
            "alsa" => new AlsaOutput(setting.Device!, format),
            "file" => new WavFileOutput(FileOutputDirectory, setting.Path!, format),
            "snapcast" => new SnapcastOutput(SnapcastEndpoint.Of(setting)!, format.SampleRate, format.Channels),
            _ => new NullOutput(),
        };
    }

    /// <summary>The state of a room's output before it opens: <c>refused: …</c>, or idle.</summary>
    public string StateBeforeOpening(AudioOutputSetting setting) =>
        BelongsElsewhere(setting) ? OtherNodeOutput.Unavailable
        : Check(setting) is { } refusal ? RefusedOutput.StateOf(refusal.Message) : RoomPlayer.NotOpened;
}

/// <summary>
/// ALSA PCM names staff may choose. ALSA's name is a configuration language: <c>file:"|cmd",raw</c> runs a
/// command, <c>file:"/path"</c> writes any file, <c>{ type … }</c> defines a plugin inline. So a name is
/// accepted only from an allow-list of plain hardware names, or when ALSA itself lists it
/// (snd_device_name_hint, the names in the machine's own configuration); and a name with any of the
/// characters that plugin definitions need is refused even then.
/// </summary>
public static partial class AlsaDeviceName
{
    public const int MaxLength = 64;

    public const string AllowedHint = "use default, sysdefault, sysdefault:N, hw:N, hw:N,M, plughw:N or plughw:N,M (N and M are card and device numbers), or a device name ALSA lists on this computer";

    /// <summary>Null when <paramref name="device"/> is allowed; otherwise why not, in plain words.</summary>
    public static string? RefusalOf(string? device, Func<IReadOnlyCollection<string>> listed)
    {
        if (AlwaysRefused(device) is { } refusal)
        {
            return refusal;
        }

        if (AllowListed().IsMatch(device!) || listed().Contains(device!, StringComparer.Ordinal))
        {
            return null;
        }

        return $"This ALSA device name is not allowed: {AllowedHint}.";
    }

    /// <summary>
    /// The part of the rule that holds whatever ALSA lists: also applied by <see cref="AlsaOutput"/> itself,
    /// so no name reaches snd_pcm_open with a plugin definition in it.
    /// </summary>
    public static string? AlwaysRefused(string? device)
    {
        if (string.IsNullOrEmpty(device))
        {
            return $"An ALSA device name is required: {AllowedHint}.";
        }

        if (device.Length > MaxLength)
        {
            return $"An ALSA device name has at most {MaxLength} characters.";
        }

        var dangerous = device.Contains("file", StringComparison.OrdinalIgnoreCase)
            || device.AsSpan().IndexOfAny(PluginSyntax) >= 0
            || device.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '~');
        return dangerous
            ? "This ALSA device name is refused: names with 'file', '|', '{', '}', quotes, '$', spaces or control characters define ALSA plugins that can write files or run commands."
            : null;
    }

    private static readonly System.Buffers.SearchValues<char> PluginSyntax = System.Buffers.SearchValues.Create("|{}\"'`$\\;");

    // Card and device numbers 0–99 without leading zeros: what ALSA's own hw names look like.
    [GeneratedRegex("^(default|sysdefault(:(0|[1-9][0-9]?))?|(plug)?hw:(0|[1-9][0-9]?)(,(0|[1-9][0-9]?))?)$", RegexOptions.CultureInvariant)]
    private static partial Regex AllowListed();
}

/// <summary>
/// A file output's name: a bare file name within <c>Audio:FileOutputDirectory</c>. Letters, digits,
/// '-', '_' and '.', not starting with a dot, no "..", ending in .wav, at most <see cref="MaxLength"/>.
/// </summary>
public static class WavFileName
{
    public const int MaxLength = 100;

    public static string? RefusalOf(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A file output needs a file name ending in .wav, e.g. room-1.wav.";
        }

        if (name.Any(char.IsControl))
        {
            return "The file name contains control characters.";
        }

        if (name.Contains('/') || name.Contains('\\'))
        {
            return "A file output takes a file name only, e.g. room-1.wav, not a path: files are written in the audio output folder the host is configured with (Audio:FileOutputDirectory).";
        }

        if (name.Length > MaxLength)
        {
            return $"The file name has at most {MaxLength} characters.";
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.StartsWith('.'))
        {
            return "The file name may not start with a dot or contain '..'.";
        }

        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.'))
        {
            return "The file name may use letters, digits, '-', '_' and '.' only.";
        }

        return name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) && name.Length > 4
            ? null
            : "The file name must end in .wav, e.g. room-1.wav.";
    }
}

/// <summary>A setting that broke the rules: nothing is written, and the state says why.</summary>
/// <summary>Where a room plays while the node with its speaker is down: nowhere, saying so.</summary>
public sealed class OtherNodeOutput : IAudioOutput
{
    public const string Unavailable = "unavailable: the room's speaker is connected to another controller, which is not running. The music plays there again when it is back.";

    public string Description => "none";

    public string State => Unavailable;

    public void Write(ReadOnlySpan<float> samples)
    {
    }

    public void Dispose()
    {
    }
}

public sealed class RefusedOutput(string reason) : IAudioOutput
{
    public static string StateOf(string reason) => $"refused: {reason} The room plays to nothing until staff choose another output.";

    public string Description => "none";

    public string State { get; } = StateOf(reason);

    public void Write(ReadOnlySpan<float> samples)
    {
    }

    public void Dispose()
    {
    }
}
