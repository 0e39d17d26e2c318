namespace SettingControl.Domain.Sessions;

/// <summary>The summary line a record entry carries for a manual change: what a therapist reads in the timeline and the export.</summary>
internal static class RoomEventText
{
    public static string Describe(LightingCommand c)
    {
        var parts = new List<string>(4);
        if (c.On is { } on) parts.Add(on ? "lights on" : "lights off");
        if (c.Brightness is { } b) parts.Add($"brightness {b}%");
        if (c.ColorTempK is { } k) parts.Add($"colour {k} K");
        if (c.TransitionMs is { } t and > 0) parts.Add($"over {t / 1000.0:0.#} s");
        return string.Join(", ", parts);
    }

    public static string DescribeMusic(MusicSetting before, MusicSetting after)
    {
        var parts = new List<string>(3);
        if (before.PlaylistId != after.PlaylistId) parts.Add($"playlist {after.PlaylistId ?? "none"}");
        if (before.Playing != after.Playing) parts.Add(after.Playing ? "music on" : "music off (silence)");
        if (before.Volume != after.Volume) parts.Add($"volume {after.Volume}%");
        return parts.Count == 0 ? "music unchanged" : string.Join(", ", parts);
    }

    public static string Describe(MaskCommand c)
    {
        var parts = new List<string>(3);
        if (c.On is { } on) parts.Add(on ? "mask light on" : "mask light off");
        if (c.Light is { } l) parts.Add($"mask light {l}%");
        if (c.Light is not null && c.TransitionMs is { } t and > 0) parts.Add($"over {t / 1000.0:0.#} s");
        return string.Join(", ", parts);
    }
}
