using System.Text;
using System.Text.Json.Nodes;
using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire;

/// <summary>
/// Malformed payloads for a Zigbee2MQTT bridge's or a Tasmota light's own topics, made from a valid one of that topic:
/// random bytes, truncated, every value of the wrong type, numbers out of range, oversized, non-UTF-8, the wrong shape.
/// Empty payloads are never produced: on a retained topic they delete the message rather than corrupt it.
/// </summary>
internal static class ConventionGarbage
{
    public static Publication Next(Random random, Publication valid)
    {
        var text = Encoding.UTF8.GetString(valid.Payload);
        var payload = random.Next(7) switch
        {
            0 => RandomBytes(random),
            1 => valid.Payload[..random.Next(1, Math.Max(2, valid.Payload.Length - 1))],
            2 => Encoding.UTF8.GetBytes(Rewrite(text, WrongType)),
            3 => Encoding.UTF8.GetBytes(Rewrite(text, OutOfRange)),
            4 => Encoding.UTF8.GetBytes($$"""{"pad":"{{new string('x', random.Next(5_000, 20_000))}}"}"""),
            5 => [.. valid.Payload[..(valid.Payload.Length / 2)], 0xFF, .. valid.Payload[(valid.Payload.Length / 2)..]],
            _ => Encoding.UTF8.GetBytes(random.Next(4) switch { 0 => "null", 1 => "[]", 2 => "{\"state\":,}", _ => "\"ONLINE\"" }),
        };
        return valid with { Payload = payload };
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 65)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Every value of a JSON object replaced; a payload that is not a JSON object becomes a number.</summary>
    private static string Rewrite(string json, Func<JsonNode?, JsonNode?> replace)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject o)
            {
                return new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, replace(p.Value)))).ToJsonString();
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Plain text (a Tasmota LWT, a legacy availability): falls through.
        }

        return "-1";
    }

    private static JsonNode? WrongType(JsonNode? value) => value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? 42 : "high";

    private static JsonNode? OutOfRange(JsonNode? value) => value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? -99_999 : "MAYBE";
}
