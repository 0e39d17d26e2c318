using SettingControl.Domain;

namespace SettingControl.Grains;

/// <summary>What a room persists: it exists, its devices, its desired state and who changed it last.</summary>
public sealed class RoomState
{
    public bool Provisioned { get; set; }

    public string Name { get; set; } = string.Empty;

    public List<AssignedDevice> Devices { get; set; } = [];

    public DesiredRoomState Desired { get; set; } = DesiredRoomState.Default;

    public int LastTransitionMs { get; set; }

    /// <summary>Increases with every change a dashboard can see, so clients can order snapshots.</summary>
    public long Version { get; set; }

    public RecordedChange? LastChange { get; set; }
}

public sealed record AssignedDevice(string DeviceId, DeviceKind Kind);

public sealed record RecordedChange(string By, string What, DateTimeOffset At);
