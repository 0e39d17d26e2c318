using System.Buffers;
using System.Text;
using System.Text.Json;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.HomeAssistantJson;

/// <summary>
/// Home Assistant's MQTT JSON light schema as ESPHome speaks it: the command the controller sends
/// (<c>{"state":"ON","brightness":…,"color_temp":…,"transition":…}</c>), the state the light reports (a report of what
/// it shows, never proof that a fade finished) and its plain-text availability.
/// </summary>
public static class JsonLightPayloads
{
    /// <summary>
    /// The fields of the schema's state message. Only <c>state</c>, <c>brightness</c> and <c>color_temp</c> are read;
    /// the rest are what ESPHome (its <c>LightJSONSchema::dump_json</c>: effects with their index and count, the
    /// colour mode, the colour channels, the legacy white value) and Home Assistant's schema put beside them. Any other
    /// field refuses the message: it is not a JSON light's state, whatever else it is.
    /// </summary>
    private static readonly HashSet<string> StateFields = new(StringComparer.Ordinal)
    {
        "state", "brightness", "color_temp", "color_mode", "color", "effect", "effect_index", "effect_count", "transition", "white_value", "white",
    };

    /// <summary>
    /// The command for a room's wanted state. An "on" always states its brightness, so a light faded to off comes back
    /// at the level asked for rather than the one it had; an "off" carries no colour, which would switch some firmware
    /// on. A light that cannot fade (maxTransitionMs 0) is told <c>"transition":0</c>, since ESPHome would otherwise
    /// apply its own default transition.
    /// </summary>
    public static byte[] Command(DeviceCommand command, JsonLightRegistration light)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            var on = command.On && command.Brightness is not <= 0;
            json.WriteStartObject();
            json.WriteString("state", on ? "ON" : "OFF");
            if (on && command.Brightness is { } percent)
            {
                json.WriteNumber("brightness", LightValues.ToLevel(percent, light.BrightnessScale));
            }

            if (on && command.ColorTempK is { } kelvin)
            {
                json.WriteNumber("color_temp", LightValues.ToMireds(kelvin, light.MinMireds, light.MaxMireds));
            }

            json.WriteNumber("transition", LightValues.ToTransitionSeconds(Math.Min(command.TransitionMs, light.MaxTransitionMs)));
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Availability is exactly the registered payload (ESPHome's <c>online</c> / <c>offline</c> by default).</summary>
    public static bool TryParseAvailability(ReadOnlySpan<byte> payload, JsonLightRegistration light, out bool online)
    {
        var text = Encoding.UTF8.GetString(payload);
        online = text == light.PayloadAvailable;
        return online || text == light.PayloadNotAvailable;
    }

    /// <summary>A state report in the room's units; a malformed, out-of-range or unexpected field refuses the whole report.</summary>
    public static DropReason TryParseState(ReadOnlySpan<byte> payload, JsonLightRegistration light, out ActualStateDto state)
    {
        state = null!;
        using var document = ConventionJson.ParseObject(payload);
        if (document is null)
        {
            return DropReason.InvalidJson;
        }

        var root = document.RootElement;
        foreach (var field in root.EnumerateObject())
        {
            if (!StateFields.Contains(field.Name))
            {
                return DropReason.UnexpectedField;
            }
        }

        var reason = ConventionJson.TryReadOnOff(root, "state", out var on);
        if (reason != DropReason.None)
        {
            return reason;
        }

        reason = Number(root, "brightness", 0, light.BrightnessScale, out var level);
        if (reason != DropReason.None)
        {
            return reason;
        }

        reason = Number(root, "color_temp", light.MinMireds, light.MaxMireds, out var mireds);
        if (reason != DropReason.None)
        {
            return reason;
        }

        state = new ActualStateDto(
            on,
            level is { } raw ? LightValues.ToPercent(raw, light.BrightnessScale) : null,
            mireds is { } m ? LightValues.ToRoomKelvin(m) : null,
            null,
            null,
            null);
        return DropReason.None;
    }

    /// <summary>
    /// A whole number within its range, or null when absent or null. A fraction is rounded: custom firmware computes
    /// its mireds from kelvin and may well send 370.4.
    /// </summary>
    private static DropReason Number(JsonElement root, string name, int min, int max, out int? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null)
        {
            return DropReason.None;
        }

        if (field.ValueKind != JsonValueKind.Number || !field.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return DropReason.InvalidJson;
        }

        var rounded = Math.Round(number, MidpointRounding.AwayFromZero);
        if (rounded < min || rounded > max)
        {
            return DropReason.OutOfRange;
        }

        value = (int)rounded;
        return DropReason.None;
    }
}
