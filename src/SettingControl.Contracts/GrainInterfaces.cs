namespace SettingControl.Contracts;

/// <summary>
/// One treatment room: its desired state (persisted), what its devices report, and who is watching.
/// Keyed by room id. A room that the facility never created answers <see cref="CommandOutcome.RoomNotFound"/>.
/// </summary>
[Alias("sc.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    [Alias("Provision")]
    Task Provision(string name, IReadOnlyList<DeviceAssignment> devices);

    [Alias("Exists")]
    ValueTask<bool> Exists();

    [Alias("GetSnapshot")]
    ValueTask<RoomSnapshot?> GetSnapshot();

    [Alias("SetLighting")]
    Task<CommandResult> SetLighting(SetLightingRequest request, Actor actor);

    [Alias("SetMask")]
    Task<CommandResult> SetMask(SetMaskRequest request, Actor actor);

    [Alias("OnDeviceAnnounced")]
    Task OnDeviceAnnounced(DeviceAnnouncement announcement);

    [Alias("OnDeviceAvailability")]
    Task OnDeviceAvailability(string deviceId, bool online, DateTimeOffset at);

    [Alias("OnDeviceState")]
    Task OnDeviceState(string deviceId, DeviceStateReport report);

    [Alias("Subscribe")]
    Task Subscribe(IRoomObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IRoomObserver observer);
}

/// <summary>Receives a room's snapshot every time anything about the room changes.</summary>
[Alias("sc.IRoomObserver")]
public interface IRoomObserver : IGrainObserver
{
    [Alias("RoomChanged")]
    void RoomChanged(RoomSnapshot snapshot);
}

/// <summary>
/// The facility registry (a single grain, key "facility"): which rooms exist and which devices are
/// assigned to which room. Seeded from configuration or --simulate on first start.
/// </summary>
[Alias("sc.IFacilityGrain")]
public interface IFacilityGrain : IGrainWithStringKey
{
    public const string Key = "facility";

    [Alias("EnsureRoom")]
    Task EnsureRoom(RoomDefinition room);

    [Alias("ListRooms")]
    Task<IReadOnlyList<RoomSummary>> ListRooms();

    [Alias("FindRoomOfDevice")]
    ValueTask<string?> FindRoomOfDevice(string deviceId);
}

/// <summary>
/// One device that has been heard from or assigned, keyed by device id. Routes what the device says to
/// the room it is assigned to; an unassigned device is recorded but controls nothing.
/// </summary>
[Alias("sc.IDeviceGrain")]
public interface IDeviceGrain : IGrainWithStringKey
{
    [Alias("Assign")]
    Task Assign(string? roomId, string kind);

    [Alias("GetInfo")]
    ValueTask<DeviceInfoDto> GetInfo();

    [Alias("Announced")]
    Task<bool> Announced(DeviceAnnouncement announcement);

    [Alias("AvailabilityChanged")]
    Task<bool> AvailabilityChanged(bool online, DateTimeOffset at);

    [Alias("StateReported")]
    Task<bool> StateReported(DeviceStateReport report);
}
