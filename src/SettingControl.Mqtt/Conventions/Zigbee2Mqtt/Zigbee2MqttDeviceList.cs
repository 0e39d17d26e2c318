using System.Text.Json;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>
/// One light a bridge lists in <c>bridge/devices</c>. The property names come from its exposes (a light on a second
/// endpoint has <c>state_l2</c>, <c>brightness_l2</c>), and so does its colour-temperature range in mireds.
/// </summary>
public sealed record Zigbee2MqttBulb(
    string DeviceId,
    string IeeeAddress,
    string FriendlyName,
    string Model,
    string Vendor,
    string Description,
    string Firmware,
    string StateProperty,
    string? BrightnessProperty,
    string? ColorTempProperty,
    int? MinMireds,
    int? MaxMireds)
{
    public bool HasColorTemp => ColorTempProperty is not null && MinMireds is not null && MaxMireds is not null;

    /// <summary>The warmest colour temperature the bulb can show, in kelvin (its largest mireds).</summary>
    public int? MinColorTempK => MaxMireds is { } max ? Zigbee2MqttValues.ToKelvin(max) : null;

    public int? MaxColorTempK => MinMireds is { } min ? Zigbee2MqttValues.ToKelvin(min) : null;
}

/// <summary>
/// Reads the retained <c>&lt;base&gt;/bridge/devices</c> message: every device the bridge knows, of which only the
/// interviewed, enabled lights are ours to drive (the coordinator, sensors and switches are skipped, not errors).
/// </summary>
public static class Zigbee2MqttDeviceList
{
    /// <summary>The result: the lights, or why the whole message was refused (then the bridge's list stays as it was).</summary>
    public readonly record struct Parsed(IReadOnlyList<Zigbee2MqttBulb> Bulbs, DropReason Reason);

    public static Parsed Parse(ReadOnlySpan<byte> json) =>
        ConventionJson.ReadObjectList(json, maxDepth: 32, ReadBulb, b => b.FriendlyName) is { } bulbs
            ? new Parsed(bulbs, DropReason.None)
            : new Parsed([], DropReason.InvalidJson);

    private static Zigbee2MqttBulb? ReadBulb(JsonElement device)
    {
        if (Text(device, "type") == "Coordinator" || Flag(device, "disabled") == true || Flag(device, "interview_completed") == false)
        {
            return null;
        }

        var ieee = Text(device, "ieee_address");
        var name = Text(device, "friendly_name");
        if (ieee is null || name is null || !IsIeeeAddress(ieee) || !Zigbee2MqttTopics.IsUsableFriendlyName(name))
        {
            return null;
        }

        if (!device.TryGetProperty("definition", out var definition) || definition.ValueKind != JsonValueKind.Object ||
            !definition.TryGetProperty("exposes", out var exposes) || exposes.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var expose in exposes.EnumerateArray())
        {
            if (expose.ValueKind != JsonValueKind.Object || Text(expose, "type") != "light" ||
                !expose.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            string? state = null, brightness = null, colorTemp = null;
            int? minMireds = null, maxMireds = null;
            foreach (var feature in features.EnumerateArray())
            {
                if (feature.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                switch (Text(feature, "name"))
                {
                    case "state":
                        state = Text(feature, "property");
                        break;
                    case "brightness":
                        brightness = Text(feature, "property");
                        break;
                    case "color_temp":
                        colorTemp = Text(feature, "property");
                        minMireds = Number(feature, "value_min");
                        maxMireds = Number(feature, "value_max");
                        break;
                }
            }

            if (state is null)
            {
                continue;
            }

            if (minMireds is not { } min || maxMireds is not { } max || min < 50 || max > 1000 || min >= max)
            {
                // A colour-temperature feature without a sane range cannot be mapped from kelvin: drive brightness only.
                colorTemp = null;
                minMireds = maxMireds = null;
            }

            return new Zigbee2MqttBulb(
                DeviceIdOf(ieee),
                ieee,
                name,
                Limit(Text(definition, "model") ?? "unknown"),
                Limit(Text(definition, "vendor") ?? "unknown"),
                Limit(Text(definition, "description") ?? string.Empty),
                Limit(Text(device, "software_build_id") ?? string.Empty),
                state,
                brightness,
                colorTemp,
                minMireds,
                maxMireds);
        }

        return null;
    }

    /// <summary>A bulb's device id is its IEEE address in lower case: it survives renames, and it is topic-safe.</summary>
    public static string DeviceIdOf(string ieeeAddress) => ieeeAddress.ToLowerInvariant();

    /// <summary>Zigbee2MQTT writes IEEE addresses as <c>0x</c> and 16 hex digits.</summary>
    public static bool IsIeeeAddress(string value) =>
        value.Length == 18 && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && value.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF") == false &&
        DeviceIds.IsValid(DeviceIdOf(value));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static int? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>Names shown to staff come from the bridge: kept short so a hostile list cannot flood the console.</summary>
    private static string Limit(string text) => text.Length <= 120 ? text : text[..120];
}
