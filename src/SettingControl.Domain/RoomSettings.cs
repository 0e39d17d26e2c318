namespace SettingControl.Domain;

/// <summary>Desired lighting for every light in a room.</summary>
public sealed record LightingSetting(bool On, int Brightness, int ColorTempK)
{
    /// <summary>Warm and dim: the brief asks for sensible warm, dim defaults, not clinical white.</summary>
    public static LightingSetting Default { get; } = new(true, 40, 2700);
}

/// <summary>Desired eye-mask state: worn or not is the patient's; whether its light is on is ours.</summary>
public sealed record MaskSetting(bool On, int Light)
{
    public static MaskSetting Default { get; } = new(false, 0);
}

/// <summary>The room's desired state: what the devices should show.</summary>
public sealed record DesiredRoomState(LightingSetting Lighting, MaskSetting Mask)
{
    public static DesiredRoomState Default { get; } = new(LightingSetting.Default, MaskSetting.Default);
}
