namespace SettingControl.Domain;

public enum DeviceKind
{
    Light,
    Mask,
}

/// <summary>
/// What the controller knows about whether a device is connected. <see cref="Unknown"/> means
/// "never heard from since this controller started", which is not the same as offline.
/// </summary>
public enum DeviceAvailability
{
    Unknown,
    Online,
    Offline,
}
