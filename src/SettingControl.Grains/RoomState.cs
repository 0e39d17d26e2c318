using SettingControl.Domain.Sessions;

namespace SettingControl.Grains;

/// <summary>What a room persists: that it exists, its devices, its program and session, and who changed it last.</summary>
public sealed class RoomState
{
    public bool Provisioned { get; set; }

    public string Name { get; set; } = string.Empty;

    public List<AssignedDevice> Devices { get; set; } = [];

    /// <summary>The light program (targets and fades), the session with its clock and reminders, and Lights up.</summary>
    public TreatmentRoom Room { get; set; } = new();

    public int LastTransitionMs { get; set; }

    /// <summary>Increases with every change a dashboard can see, so clients can order snapshots.</summary>
    public long Version { get; set; }

    public RecordedChange? LastChange { get; set; }
}

public sealed record AssignedDevice(string DeviceId, SettingControl.Domain.DeviceKind Kind);

public sealed record RecordedChange(string By, string What, DateTimeOffset At);
