using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

/// <summary>What a <c>…/set</c> asks of a bulb: <c>state</c> ON/OFF/TOGGLE, <c>brightness</c>, <c>color_temp</c>, <c>transition</c>.</summary>
/// <param name="ColorTemp">A number of mireds or a preset name (<c>coolest</c>, <c>warm</c>, …), resolved by the bulb.</param>
internal sealed record ZigbeeCommand(string? State, int? Brightness, JsonValue? ColorTemp, double? Transition)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a payload as Zigbee2MQTT does: a JSON object, or else the whole text as the value of <paramref name="attribute"/>
    /// (<c>…/set/brightness</c>) or of <c>state</c> (a plain <c>ON</c>). Each key stands alone: a bad one is reported in
    /// <paramref name="problems"/> and left out, the others still apply, as Zigbee2MQTT's converters do.
    /// </summary>
    public static ZigbeeCommand Parse(ReadOnlySequence<byte> payload, string? attribute, List<string> problems)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(payload.ToArray());
        }
        catch (DecoderFallbackException)
        {
            problems.Add("payload is not UTF-8");
            return new ZigbeeCommand(null, null, null, null);
        }

        var fields = AsObject(text, attribute);
        string? state = null;
        int? brightness = null;
        JsonValue? colorTemp = null;
        double? transition = null;
        foreach (var (key, value) in fields)
        {
            switch (key)
            {
                case "state" when value is JsonValue v && v.TryGetValue<string>(out var s) && s.ToUpperInvariant() is "ON" or "OFF" or "TOGGLE":
                    state = s.ToUpperInvariant();
                    break;
                case "brightness" when Number(value) is { } b:
                    // Zigbee's level attribute tops out at 254; beyond it Zigbee2MQTT sends the maximum.
                    brightness = (int)Math.Clamp(Math.Round(b), 0, 254);
                    break;
                case "color_temp" when Number(value) is not null || (value is JsonValue p && p.TryGetValue<string>(out _)):
                    colorTemp = (JsonValue)value!.DeepClone();
                    break;
                case "transition" when Number(value) is { } t && t >= 0:
                    transition = t;
                    break;
                case "state" or "brightness" or "color_temp" or "transition":
                    problems.Add($"invalid value for '{key}': {value?.ToJsonString() ?? "null"}");
                    break;
                default:
                    problems.Add($"no converter available for '{key}'");
                    break;
            }
        }

        return new ZigbeeCommand(state, brightness, colorTemp, transition);
    }

    private static JsonObject AsObject(string text, string? attribute)
    {
        try
        {
            if (attribute is null && JsonNode.Parse(text) is JsonObject parsed)
            {
                return parsed;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text itself is the value, as below.
        }

        JsonNode value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : text;
        return new JsonObject { [attribute ?? "state"] = value };
    }

    /// <summary>A JSON number, or a string holding one (Zigbee2MQTT converts those with <c>Number()</c>).</summary>
    private static double? Number(JsonNode? value)
    {
        double? number = value switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
            JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
        return number is { } d && double.IsFinite(d) ? d : null;
    }
}
