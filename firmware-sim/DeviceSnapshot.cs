namespace SettingControl.FirmwareSim;

/// <summary>
/// A device's actual output at one moment. Lights fill <see cref="Brightness"/> and <see cref="ColorTempK"/>;
/// masks fill <see cref="Light"/>, <see cref="Worn"/> and <see cref="Battery"/>.
/// </summary>
public sealed record DeviceSnapshot(bool On, int? Brightness, int? ColorTempK, int? Light, bool? Worn, int? Battery);
