namespace SettingControl.Domain;

/// <summary>
/// Pure rules for how commands change a room and what each device is told. The room grain calls
/// these; keeping them here makes them testable without a silo.
/// </summary>
public static class RoomRules
{
    /// <summary>Applies a validated lighting command; omitted fields keep their current value.</summary>
    public static DesiredRoomState Apply(DesiredRoomState current, LightingCommand command) =>
        current with
        {
            Lighting = new LightingSetting(
                command.On ?? current.Lighting.On,
                command.Brightness ?? current.Lighting.Brightness,
                command.ColorTempK ?? current.Lighting.ColorTempK),
        };

    /// <summary>Applies a validated mask command; omitted fields keep their current value.</summary>
    public static DesiredRoomState Apply(DesiredRoomState current, MaskCommand command) =>
        current with
        {
            Mask = new MaskSetting(command.On ?? current.Mask.On, command.Light ?? current.Mask.Light),
        };

    /// <summary>
    /// The command one device gets for the room's desired state. A light whose colour range is
    /// narrower than the room's setting is sent the nearest value it can show.
    /// </summary>
    public static DeviceCommand CommandFor(string deviceId, DeviceKind kind, DesiredRoomState desired, int transitionMs, DeviceCapabilities? capabilities = null)
    {
        if (kind == DeviceKind.Mask)
        {
            return new DeviceCommand(deviceId, kind, desired.Mask.On, null, null, desired.Mask.Light, transitionMs);
        }

        var colorTemp = desired.Lighting.ColorTempK;
        if (capabilities is { } caps)
        {
            colorTemp = Math.Clamp(colorTemp, caps.MinColorTempK, caps.MaxColorTempK);
        }

        return new DeviceCommand(deviceId, kind, desired.Lighting.On, desired.Lighting.Brightness, colorTemp, null, transitionMs);
    }
}

/// <summary>What a device says it can do (from its announcement).</summary>
public sealed record DeviceCapabilities(int MinColorTempK, int MaxColorTempK, int MaxTransitionMs);

/// <summary>A desired state for one device, ready for whichever device profile speaks to it.</summary>
public sealed record DeviceCommand(string DeviceId, DeviceKind Kind, bool On, int? Brightness, int? ColorTempK, int? Light, int TransitionMs);

/// <summary>The actual state a device last reported. Fields a kind does not have are null.</summary>
public sealed record DeviceActualState(bool On, int? Brightness, int? ColorTempK, int? Light, bool? Worn, int? Battery);
