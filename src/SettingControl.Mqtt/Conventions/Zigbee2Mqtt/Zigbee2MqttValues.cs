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
    public static int ToZigbeeBrightness(int percent) => LightValues.ToLevel(percent, MaxBrightness);

    /// <summary>The inverse: 254 is 100 %, and any lit level (1 and up) is at least 1 %.</summary>
    public static int FromZigbeeBrightness(int raw) => LightValues.ToPercent(raw, MaxBrightness);

    /// <summary>Kelvin to mireds (10⁶ / K), clamped to the bulb's own range.</summary>
    public static int ToMireds(int kelvin, int minMireds, int maxMireds) => LightValues.ToMireds(kelvin, minMireds, maxMireds);

    /// <summary>Mireds to kelvin (10⁶ / mireds).</summary>
    public static int ToKelvin(int mireds) => LightValues.ToKelvin(mireds);

    /// <summary>A fade's length in Zigbee2MQTT's <c>transition</c> seconds (fractions allowed).</summary>
    public static double ToTransitionSeconds(int milliseconds) => LightValues.ToTransitionSeconds(milliseconds);
}
