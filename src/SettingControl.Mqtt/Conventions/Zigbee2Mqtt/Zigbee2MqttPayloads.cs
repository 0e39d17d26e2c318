using System.Buffers;
using System.Text.Json;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>
/// Zigbee2MQTT's light payloads: the state a bulb reports on <c>&lt;base&gt;/&lt;name&gt;</c>, availability in both its
/// forms, and the <c>/set</c> and <c>/get</c> the controller sends. A state message is a report of what the bulb shows
/// (Zigbee2MQTT publishes the state it assumes right after a command, then more as the bulb moves), never proof that a
/// fade finished.
/// </summary>
public static class Zigbee2MqttPayloads
{
    /// <summary>Availability: <c>{"state":"online"}</c> in Zigbee2MQTT 2.x, plain <c>online</c> in 1.x.</summary>
    public static bool TryParseAvailability(ReadOnlySpan<byte> payload, out bool online)
    {
        online = false;
        var text = System.Text.Encoding.UTF8.GetString(payload).Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object ||
                    !document.RootElement.TryGetProperty("state", out var state) || state.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                text = state.GetString()!;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        switch (text)
        {
            case "online":
                online = true;
                return true;
            case "offline":
                return true;
            default:
                return false;
        }
    }

    /// <summary>A bulb's state report, in the room's units; out-of-range or malformed fields refuse the whole report.</summary>
    public static DropReason TryParseState(ReadOnlySpan<byte> payload, Zigbee2MqttBulb bulb, out ActualStateDto state)
    {
        state = null!;
        using var document = ConventionJson.ParseObject(payload);
        if (document is null)
        {
            return DropReason.InvalidJson;
        }

        var root = document.RootElement;

        var reason = ConventionJson.TryReadOnOff(root, bulb.StateProperty, out var on);
        if (reason != DropReason.None)
        {
            return reason;
        }

        int? brightness = null;
        if (bulb.BrightnessProperty is { } brightnessName && root.TryGetProperty(brightnessName, out var level) && level.ValueKind != JsonValueKind.Null)
        {
            if (level.ValueKind != JsonValueKind.Number || !level.TryGetInt32(out var raw))
            {
                return DropReason.InvalidJson;
            }

            if (raw is < 0 or > Zigbee2MqttValues.MaxBrightness)
            {
                return DropReason.OutOfRange;
            }

            brightness = Zigbee2MqttValues.FromZigbeeBrightness(raw);
        }
        else if (bulb.BrightnessProperty is null)
        {
            // An on/off-only light: full or nothing.
            brightness = on ? 100 : 0;
        }

        int? kelvin = null;
        if (bulb.HasColorTemp && root.TryGetProperty(bulb.ColorTempProperty!, out var temperature) && temperature.ValueKind != JsonValueKind.Null)
        {
            if (temperature.ValueKind != JsonValueKind.Number || !temperature.TryGetInt32(out var mireds))
            {
                return DropReason.InvalidJson;
            }

            if (mireds < bulb.MinMireds || mireds > bulb.MaxMireds)
            {
                return DropReason.OutOfRange;
            }

            kelvin = Math.Clamp(Zigbee2MqttValues.ToKelvin(mireds), Ranges.MinColorTempK, Ranges.MaxColorTempK);
        }

        state = new ActualStateDto(on, brightness, kelvin, null, null, null);
        return DropReason.None;
    }

    /// <summary>
    /// The <c>/set</c> payload for a command. An "on" always states its brightness, so a bulb faded to off comes back at
    /// the level asked for, not "super dimmed"; colour temperature is sent only to bulbs that expose it.
    /// </summary>
    public static byte[] Set(DeviceCommand command, Zigbee2MqttBulb bulb)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(bulb.StateProperty, command.On ? "ON" : "OFF");
            if (command.On && bulb.BrightnessProperty is { } brightness && command.Brightness is { } percent)
            {
                json.WriteNumber(brightness, Zigbee2MqttValues.ToZigbeeBrightness(percent));
            }

            if (command.On && bulb.HasColorTemp && command.ColorTempK is { } kelvin)
            {
                json.WriteNumber(bulb.ColorTempProperty!, Zigbee2MqttValues.ToMireds(kelvin, bulb.MinMireds!.Value, bulb.MaxMireds!.Value));
            }

            json.WriteNumber("transition", Zigbee2MqttValues.ToTransitionSeconds(command.TransitionMs));
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>/get</c> payload that asks a bulb for the fields we show (the value of each key is ignored).</summary>
    public static byte[] Get(Zigbee2MqttBulb bulb)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(bulb.StateProperty, string.Empty);
            if (bulb.BrightnessProperty is { } brightness)
            {
                json.WriteString(brightness, string.Empty);
            }

            if (bulb.HasColorTemp)
            {
                json.WriteString(bulb.ColorTempProperty!, string.Empty);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
