using System.Globalization;

namespace SettingControl.FirmwareSim.Wire.Tasmota;

/// <summary>
/// The JSON a Tasmota CCT light writes: the light state after Power/Dimmer/CT (<c>POWER</c>, <c>Dimmer</c>,
/// <c>Color</c>, <c>White</c>, <c>CT</c>, <c>Channel</c>), the one-field replies of its settings, and the
/// <c>STATE</c> telemetry. Key order and names are Tasmota's.
/// </summary>
internal static class TasmotaPayloads
{
    public static string Power(bool on) => $$"""{"POWER":"{{OnOff(on)}}"}""";

    public static string Fade(TasmotaSettings s) => $$"""{"Fade":"{{OnOff(s.Fade)}}"}""";

    public static string FixedFade(TasmotaSettings s) => $$"""{"SetOption117":"{{OnOff(s.FixedFadeDuration)}}"}""";

    public static string Speed(TasmotaSettings s) => $$"""{"Speed":{{s.Speed}}}""";

    public static string TelePeriod(TasmotaSettings s) => $$"""{"TelePeriod":{{s.TelePeriod}}}""";

    public static string Light(TasmotaSettings s) => $"{{{LightFields(s)}}}";

    /// <summary><c>tele/…/STATE</c> and the reply to <c>State</c>: device vitals, the light, fade settings and Wi-Fi.</summary>
    public static string Telemetry(TasmotaSettings s, DateTimeOffset now, TimeSpan uptime)
    {
        var time = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var up = $"{(int)uptime.TotalDays}T{uptime:hh\\:mm\\:ss}";
        return $$$"""{"Time":"{{{time}}}","Uptime":"{{{up}}}","UptimeSec":{{{(long)uptime.TotalSeconds}}},"Heap":26,"SleepMode":"Dynamic","Sleep":50,"LoadAvg":19,"MqttCount":1,{{{LightFields(s)}}},"Fade":"{{{OnOff(s.Fade)}}}","Speed":{{{s.Speed}}},"LedTable":"ON","Wifi":{"AP":1,"SSId":"clinic","BSSId":"AA:BB:CC:DD:EE:FF","Channel":6,"Mode":"11n","RSSI":84,"Signal":-58,"LinkCount":1,"Downtime":"0T00:00:03"}}""";
    }

    private static string OnOff(bool on) => on ? "ON" : "OFF";

    /// <summary>Two PWM channels, cold and warm white, mixed by CT and scaled by Dimmer (both 0 when off).</summary>
    private static string LightFields(TasmotaSettings s)
    {
        var warmShare = (s.Ct - SimulatedTasmotaLight.MinCt) / (double)(SimulatedTasmotaLight.MaxCt - SimulatedTasmotaLight.MinCt);
        var level = s.Power ? s.Dimmer : 0;
        var cold = (int)Math.Round(level * (1 - warmShare));
        var warm = (int)Math.Round(level * warmShare);
        var color = $"{cold * 255 / 100:X2}{warm * 255 / 100:X2}";
        // A raw string on one line cannot start with a quote (it would be read as part of the delimiter).
        return $$"""
            "POWER":"{{OnOff(s.Power)}}","Dimmer":{{s.Dimmer}},"Color":"{{color}}","White":{{s.Dimmer}},"CT":{{s.Ct}},"Channel":[{{cold}},{{warm}}]
            """;
    }
}
