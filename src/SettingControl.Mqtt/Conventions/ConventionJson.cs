using System.Text.Json;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Conventions;

/// <summary>What the JSON conventions share when they read a device's payload.</summary>
internal static class ConventionJson
{
    /// <summary>A light's <c>"ON"</c> / <c>"OFF"</c> field: missing (or not a string), unknown, or read.</summary>
    public static DropReason TryReadOnOff(JsonElement root, string name, out bool on)
    {
        on = false;
        if (!root.TryGetProperty(name, out var power) || power.ValueKind != JsonValueKind.String)
        {
            return DropReason.MissingField;
        }

        switch (power.GetString())
        {
            case "ON":
                on = true;
                return DropReason.None;
            case "OFF":
                return DropReason.None;
            default:
                return DropReason.UnknownValue;
        }
    }

    /// <summary>The payload as a JSON object, or null when it is not one (malformed, or an array, number or string).</summary>
    public static JsonDocument? ParseObject(ReadOnlySpan<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            return document;
        }

        document.Dispose();
        return null;
    }
}
