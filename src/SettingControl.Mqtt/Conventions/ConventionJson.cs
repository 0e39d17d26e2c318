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

    /// <summary>
    /// A bridge's list message (an array of objects), read entry by entry: <paramref name="read"/> gives the entry or
    /// null to skip it; the first entry of a name wins. Null when the message is not an array of objects: then the
    /// whole message is refused and what the controller knew stays.
    /// </summary>
    public static IReadOnlyList<T>? ReadObjectList<T>(ReadOnlySpan<byte> payload, int maxDepth, Func<JsonElement, T?> read, Func<T, string> name)
        where T : class
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var entries = new List<T>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                if (read(element) is { } entry && names.Add(name(entry)))
                {
                    entries.Add(entry);
                }
            }

            return entries;
        }
    }
}
