namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>
/// The mapping between a room's values and Zigbee2MQTT's light fields: brightness percent ↔ 0–254, kelvin ↔ mireds,
/// milliseconds ↔ seconds. Both directions live here so they stay each other's inverse.
/// </summary>
public static class Zigbee2MqttValues
{
    /// <summary>Zigbee's full brightness (the ZCL level cluster's 0xFE; 255 is "invalid" there).</summary>
    public const int MaxBrightness = 254;

    /// <summary>0 % is 0 and 100 % is 254; anything above 0 % stays at least 1, so a very dim light never rounds to off.</summary>
    public static int ToZigbeeBrightness(int percent)
    {
        if (percent <= 0)
        {
            return 0;
        }

        var raw = (int)Math.Round(Math.Min(percent, 100) * MaxBrightness / 100.0, MidpointRounding.AwayFromZero);
        return Math.Clamp(raw, 1, MaxBrightness);
    }

    /// <summary>The inverse: 254 is 100 %, and any lit level (1 and up) is at least 1 %.</summary>
    public static int FromZigbeeBrightness(int raw)
    {
        if (raw <= 0)
        {
            return 0;
        }

        var percent = (int)Math.Round(Math.Min(raw, MaxBrightness) * 100.0 / MaxBrightness, MidpointRounding.AwayFromZero);
        return Math.Clamp(percent, 1, 100);
    }

    /// <summary>Kelvin to mireds (10⁶ / K), clamped to the bulb's own range.</summary>
    public static int ToMireds(int kelvin, int minMireds, int maxMireds)
    {
        var mireds = (int)Math.Round(1_000_000.0 / Math.Max(kelvin, 1), MidpointRounding.AwayFromZero);
        return Math.Clamp(mireds, minMireds, maxMireds);
    }

    /// <summary>Mireds to kelvin (10⁶ / mireds).</summary>
    public static int ToKelvin(int mireds) => (int)Math.Round(1_000_000.0 / Math.Max(mireds, 1), MidpointRounding.AwayFromZero);

    /// <summary>A fade's length in Zigbee2MQTT's <c>transition</c> seconds (fractions allowed).</summary>
    public static double ToTransitionSeconds(int milliseconds) => Math.Max(milliseconds, 0) / 1000.0;
}
