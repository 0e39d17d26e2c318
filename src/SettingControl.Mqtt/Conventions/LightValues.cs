using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions;

/// <summary>
/// The arithmetic the light conventions share: a room's brightness percent ↔ a device's 0–scale level, kelvin ↔
/// mireds, milliseconds ↔ seconds. Each convention names its own scale and mireds range; both directions live here so
/// they stay each other's inverse.
/// </summary>
public static class LightValues
{
    /// <summary>0 % is 0 and 100 % is <paramref name="scale"/>; anything above 0 % stays at least 1, so a very dim light never rounds to off.</summary>
    public static int ToLevel(int percent, int scale)
    {
        if (percent <= 0)
        {
            return 0;
        }

        var raw = (int)Math.Round(Math.Min(percent, 100) * (double)scale / 100.0, MidpointRounding.AwayFromZero);
        return Math.Clamp(raw, 1, scale);
    }

    /// <summary>The inverse: <paramref name="scale"/> is 100 %, and any lit level (1 and up) is at least 1 %.</summary>
    public static int ToPercent(int level, int scale)
    {
        if (level <= 0)
        {
            return 0;
        }

        var percent = (int)Math.Round(Math.Min(level, scale) * 100.0 / scale, MidpointRounding.AwayFromZero);
        return Math.Clamp(percent, 1, 100);
    }

    /// <summary>Kelvin to mireds (10⁶ / K), clamped to the light's own range.</summary>
    public static int ToMireds(int kelvin, int minMireds, int maxMireds) =>
        Math.Clamp((int)Math.Round(1_000_000.0 / Math.Max(kelvin, 1), MidpointRounding.AwayFromZero), minMireds, maxMireds);

    /// <summary>Mireds to kelvin (10⁶ / mireds).</summary>
    public static int ToKelvin(int mireds) => (int)Math.Round(1_000_000.0 / Math.Max(mireds, 1), MidpointRounding.AwayFromZero);

    /// <summary>Mireds to kelvin, within the range a room accepts (a 153-mired light is 6536 K, shown as 6500 K).</summary>
    public static int ToRoomKelvin(int mireds) => Math.Clamp(ToKelvin(mireds), Ranges.MinColorTempK, Ranges.MaxColorTempK);

    /// <summary>A fade's length in the <c>transition</c> seconds of Home Assistant's and Zigbee2MQTT's schemas (fractions allowed).</summary>
    public static double ToTransitionSeconds(int milliseconds) => Math.Max(milliseconds, 0) / 1000.0;
}
