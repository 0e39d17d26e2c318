using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>
/// The mapping between a room's values and a Tasmota CCT light's: brightness percent = <c>Dimmer</c> 0–100, kelvin ↔
/// <c>CT</c> 153–500 mireds, a fade's length ↔ <c>Speed</c> in half-seconds (with <c>SetOption117 1</c>, every fade takes
/// Speed × 0.5 s however far it goes). Both directions live here so they stay each other's inverse.
/// </summary>
public static class TasmotaValues
{
    public const int MinCt = 153;
    public const int MaxCt = 500;
    public const int MinSpeed = 1;
    public const int MaxSpeed = 40;

    /// <summary>Half a second: Tasmota's Speed unit.</summary>
    public const int SpeedUnitMs = 500;

    /// <summary>The longest native fade (Speed 40): longer fades are stepped by the controller.</summary>
    public const int MaxTransitionMs = MaxSpeed * SpeedUnitMs;

    /// <summary>The light's range in kelvin (500 mireds = 2000 K; 153 mireds = 6536 K, clamped to the rooms' 6500 K).</summary>
    public static int MinColorTempK => Math.Clamp(ToKelvin(MaxCt), Ranges.MinColorTempK, Ranges.MaxColorTempK);

    public static int MaxColorTempK => Math.Clamp(ToKelvin(MinCt), Ranges.MinColorTempK, Ranges.MaxColorTempK);

    public static int ToDimmer(int percent) => Math.Clamp(percent, 0, 100);

    /// <summary>Kelvin to CT mireds (10⁶ / K), clamped to 153–500.</summary>
    public static int ToCt(int kelvin) => LightValues.ToMireds(kelvin, MinCt, MaxCt);

    /// <summary>CT mireds to kelvin (10⁶ / mireds).</summary>
    public static int ToKelvin(int mireds) => LightValues.ToKelvin(mireds);

    /// <summary>A fade's length as Speed (nearest half-second, 1–40); null for an instant change (<c>Fade 0</c>).</summary>
    public static int? ToSpeed(int transitionMs) =>
        transitionMs <= 0 ? null : Math.Clamp((int)Math.Round(transitionMs / (double)SpeedUnitMs, MidpointRounding.AwayFromZero), MinSpeed, MaxSpeed);
}
