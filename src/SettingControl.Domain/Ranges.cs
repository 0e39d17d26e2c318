namespace SettingControl.Domain;

/// <summary>The value ranges a room accepts. Everything outside them is rejected, never clamped silently.</summary>
public static class Ranges
{
    public const int MinBrightness = 0;
    public const int MaxBrightness = 100;
    public const int MinColorTempK = 1800;
    public const int MaxColorTempK = 6500;
    public const int MinMaskLight = 0;
    public const int MaxMaskLight = 100;
    public const int MinTransitionMs = 0;

    /// <summary>One hour: the longest single fade a command may ask for (an emergence ramp is ~20 min).</summary>
    public const int MaxTransitionMs = 3_600_000;
}
