using System.Net;
using System.Net.Sockets;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// Where a room's Snapcast stream goes: the server, its JSON-RPC control port (snapserver's <c>[tcp] port</c>), the
/// port its <c>tcp://…?mode=server</c> source for this room listens on, the stream's name (the source's <c>name=</c>),
/// and the volume (percent) the room's speakers are kept at on the server, when staff set one.
/// </summary>
public sealed record SnapcastEndpoint(string Server, int ControlPort, int StreamPort, string Stream, int? SpeakerVolume = null)
{
    /// <summary>snapserver's default JSON-RPC port.</summary>
    public const int DefaultControlPort = 1705;

    /// <summary>The first stream port the generated stream lines suggest (clear of snapserver's own 1704, 1705, 1780).</summary>
    public const int DefaultStreamPort = 4953;

    public const int MaxStreamLength = 64;

    public const int MaxServerLength = 253;

    /// <summary>The endpoint of a snapcast setting, with the default ports where none was given; null for another kind.</summary>
    public static SnapcastEndpoint? Of(AudioOutputSetting setting) =>
        setting.Kind == "snapcast"
            ? new SnapcastEndpoint(setting.Server ?? string.Empty, setting.ControlPort ?? DefaultControlPort, setting.StreamPort ?? DefaultStreamPort, setting.Stream ?? string.Empty, setting.SpeakerVolume)
            : null;

    /// <summary>What the output is, for the dashboard and the staff console.</summary>
    public string Description => $"snapcast:{Stream}@{HostForUri}:{StreamPort}";

    /// <summary>The server as it goes in a URI: an IPv6 literal in brackets.</summary>
    public string HostForUri => IPAddress.TryParse(Server, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Server}]" : Server;

    /// <summary>Null when the endpoint may be used; otherwise the field and a plain reason. Checked when staff set it and whenever it opens.</summary>
    public (string Field, string Message)? Refusal()
    {
        if (RefusalOfServer(Server) is { } server)
        {
            return ("server", server);
        }

        if (ControlPort is < 1 or > 65535)
        {
            return ("controlPort", "The control port must be a number from 1 to 65535 (snapserver's [tcp] port, 1705 unless changed).");
        }

        if (StreamPort is < 1 or > 65535)
        {
            return ("streamPort", "The stream port must be a number from 1 to 65535: the port of the room's tcp source in snapserver.conf.");
        }

        if (StreamPort == ControlPort)
        {
            return ("streamPort", "The stream port must differ from the control port: snapserver listens for the room's sound and for control on separate ports.");
        }

        if (SpeakerVolume is < 0 or > 100)
        {
            return ("speakerVolume", "The speakers' volume must be a whole percent from 0 to 100, or left out to keep each speaker's own.");
        }

        return RefusalOfStream(Stream) is { } stream ? ("stream", stream) : null;
    }

    /// <summary>An IP literal or a plain host name (letters, digits and '-' in dot-separated labels): no scheme, port, path or spaces.</summary>
    public static string? RefusalOfServer(string? server)
    {
        const string Hint = "give the Snapcast server as an IP address (192.168.1.20) or a plain host name (snapserver.local), without a scheme, port or path";
        if (string.IsNullOrEmpty(server))
        {
            return $"A Snapcast server is required: {Hint}.";
        }

        if (server.Length > MaxServerLength)
        {
            return $"The Snapcast server name has at most {MaxServerLength} characters.";
        }

        // Only plain literals: IPAddress.TryParse also takes "1" or a scope id ("fe80::1%eth0"), neither a server an operator means.
        if (server.Contains(':'))
        {
            return IPAddress.TryParse(server, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && !server.Contains('%')
                ? null
                : $"This is not a Snapcast server address: {Hint}.";
        }

        if (server.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return server.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255)
                ? null
                : $"This is not an IPv4 address: {Hint}.";
        }

        var labels = server.Split('.');
        var plain = labels.All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && label[0] != '-' && label[^1] != '-');
        return plain ? null : $"This is not a plain host name: {Hint}.";
    }

    /// <summary>A stream name as it goes in the source's <c>name=</c>: letters, digits, '.', '_' and '-', at most 64.</summary>
    public static string? RefusalOfStream(string? stream)
    {
        if (string.IsNullOrEmpty(stream))
        {
            return "A Snapcast stream name is required, e.g. the room's id (room-1): the name= of the room's source in snapserver.conf.";
        }

        if (stream.Length > MaxStreamLength)
        {
            return $"The Snapcast stream name has at most {MaxStreamLength} characters.";
        }

        return stream.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? null
            : "The Snapcast stream name may use letters, digits, '.', '_' and '-' only.";
    }
}
