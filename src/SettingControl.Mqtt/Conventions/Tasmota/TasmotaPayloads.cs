using System.Globalization;
using System.Text;
using System.Text.Json;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>The light fields a Tasmota reply or telemetry carries; null where the message did not say.</summary>
public readonly record struct TasmotaLight(bool? Power, int? Dimmer, int? Ct);

/// <summary>
/// Tasmota's payloads: the <c>Backlog</c> the controller sends, the JSON of <c>stat/…/RESULT</c> and
/// <c>tele/…/STATE</c> (only <c>POWER</c>, <c>Dimmer</c> and <c>CT</c> are read; other fields are ignored), the plain
/// <c>stat/…/POWER</c>, the LWT and <c>INFO1</c>.
/// </summary>
public static class TasmotaPayloads
{
    /// <summary>
    /// One Backlog for a command: the fade first (<c>Fade 0</c>, or <c>Fade 1; SetOption117 1; Speed N</c> so the fade
    /// takes N × 0.5 s however far it goes), then the light. An "on" states its Dimmer (which switches the light on, so
    /// no <c>Power ON</c> that would first fade up to the old level), then its CT; an "off" is <c>Power OFF</c>, with
    /// no CT, since a CT switches a Tasmota light on.
    /// </summary>
    public static string Backlog(DeviceCommand command)
    {
        var text = new StringBuilder(80);
        if (TasmotaValues.ToSpeed(command.TransitionMs) is { } speed)
        {
            text.Append("Fade 1; SetOption117 1; Speed ").Append(speed.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            text.Append("Fade 0");
        }

        if (!command.On || command.Brightness is <= 0)
        {
            return text.Append("; Power OFF").ToString();
        }

        text.Append(command.Brightness is { } percent ? $"; Dimmer {TasmotaValues.ToDimmer(percent).ToString(CultureInfo.InvariantCulture)}" : "; Power ON");
        if (command.ColorTempK is { } kelvin)
        {
            text.Append("; CT ").Append(TasmotaValues.ToCt(kelvin).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Availability: Tasmota's retained LWT is <c>Online</c> or <c>Offline</c>.</summary>
    public static bool TryParseLwt(ReadOnlySpan<byte> payload, out bool online)
    {
        var text = Encoding.UTF8.GetString(payload).Trim();
        online = text == "Online";
        return online || text == "Offline";
    }

    /// <summary>The plain <c>stat/…/POWER</c>: <c>ON</c> or <c>OFF</c>.</summary>
    public static bool TryParsePower(ReadOnlySpan<byte> payload, out bool on)
    {
        var text = Encoding.UTF8.GetString(payload).Trim();
        on = text == "ON";
        return on || text == "OFF";
    }

    /// <summary>
    /// The light fields of a RESULT or STATE object. Unknown fields are ignored; a malformed or out-of-range light
    /// field refuses the whole message.
    /// </summary>
    public static DropReason TryParseLight(ReadOnlySpan<byte> payload, out TasmotaLight light)
    {
        light = default;
        using var document = ConventionJson.ParseObject(payload);
        if (document is null)
        {
            return DropReason.InvalidJson;
        }

        var root = document.RootElement;

        bool? power = null;
        if (root.TryGetProperty("POWER", out var powerField))
        {
            if (powerField.ValueKind != JsonValueKind.String)
            {
                return DropReason.InvalidJson;
            }

            switch (powerField.GetString())
            {
                case "ON": power = true; break;
                case "OFF": power = false; break;
                default: return DropReason.UnknownValue;
            }
        }

        var dimmer = Number(root, "Dimmer", 0, 100, out var reason);
        if (reason != DropReason.None)
        {
            return reason;
        }

        var ct = Number(root, "CT", TasmotaValues.MinCt, TasmotaValues.MaxCt, out reason);
        if (reason != DropReason.None)
        {
            return reason;
        }

        light = new TasmotaLight(power, dimmer, ct);
        return DropReason.None;
    }

    /// <summary><c>INFO1</c>: <c>{"Info1":{"Module":…,"Version":…}}</c> (Tasmota 12+) or the same fields at the top (older).</summary>
    public static bool TryParseInfo(ReadOnlySpan<byte> payload, out string? module, out string? version)
    {
        module = version = null;
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (root.TryGetProperty("Info1", out var info) && info.ValueKind == JsonValueKind.Object)
            {
                root = info;
            }

            module = Text(root, "Module");
            version = Text(root, "Version");
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int? Number(JsonElement root, string name, int min, int max, out DropReason reason)
    {
        reason = DropReason.None;
        if (!root.TryGetProperty(name, out var field))
        {
            return null;
        }

        if (field.ValueKind != JsonValueKind.Number || !field.TryGetInt32(out var value))
        {
            reason = DropReason.InvalidJson;
            return null;
        }

        if (value < min || value > max)
        {
            reason = DropReason.OutOfRange;
            return null;
        }

        return value;
    }

    /// <summary>Texts shown to staff come from the device: kept short so a hostile device cannot flood the console.</summary>
    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() is { Length: > 64 } text ? text[..64] : value.GetString()
            : null;
}
