namespace SettingControl.FirmwareSim.Model;

/// <summary>
/// What the device is told to become, in no wire convention's terms: each wire translates its own command payload into
/// this, so the model never sees a foreign type. A field left null is left as it is. <see cref="CommandId"/> is null
/// for a convention whose commands carry none: such a command cannot be recognised as a redelivery and is always applied.
/// </summary>
internal sealed record DeviceCommand(
    string? CommandId,
    int TransitionMs,
    bool? On = null,
    int? Brightness = null,
    int? ColorTempK = null,
    int? Light = null);
