using System.Text.Json;

namespace SettingControl.Mqtt.Conventions;

/// <summary>What the JSON conventions share when they read a device's payload.</summary>
internal static class ConventionJson
{
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
