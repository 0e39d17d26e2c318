namespace SettingControl.Domain;

/// <summary>What a device says it can do (from its announcement).</summary>
public sealed record DeviceCapabilities(int MinColorTempK, int MaxColorTempK, int MaxTransitionMs);

/// <summary>A desired state for one device, ready for whichever device profile speaks to it.</summary>
public sealed record DeviceCommand(string DeviceId, DeviceKind Kind, bool On, int? Brightness, int? ColorTempK, int? Light, int TransitionMs);

/// <summary>The actual state a device last reported. Fields a kind does not have are null.</summary>
public sealed record DeviceActualState(bool On, int? Brightness, int? ColorTempK, int? Light, bool? Worn, int? Battery);
