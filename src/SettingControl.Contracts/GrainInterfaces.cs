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

    /// <summary>Brightness ceiling and default playlist (staff). The name is the facility's: see <see cref="IFacilityGrain.RenameRoom"/>.</summary>
    [Alias("UpdateSettings")]
    Task<CommandResult> UpdateSettings(UpdateRoomSettingsRequest request, Actor actor);

    /// <summary>Takes the room out of service: refused while a session runs; afterwards the room no longer exists.</summary>
    [Alias("Retire")]
    Task<CommandResult> Retire(Actor actor);

    [Alias("Exists")]
    ValueTask<bool> Exists();

    /// <summary>The node (silo address) the room is active on: for staff's cluster view, <c>GET /api/cluster</c>.</summary>
    [Alias("ActiveOn")]
    ValueTask<string> ActiveOn();

    /// <summary>
    /// Tells every device where the room's light is now and where it is going (the rest of a fade included): after
    /// another node of a cluster died, its rooms' devices hear from the node that carries them on.
    /// </summary>
    [Alias("ReassertDevices")]
    Task ReassertDevices();

    /// <summary>
    /// Moves the room to the node of that name (<c>Cluster:NodeName</c>) when it is up and the room is elsewhere: its
    /// music output is there. The room's state and its watchers go with it; nothing is stored or sent for the move.
    /// </summary>
    [Alias("MoveToNode")]
    Task MoveToNode(string node);

    [Alias("GetSnapshot")]
    ValueTask<RoomSnapshot?> GetSnapshot();

    [Alias("SetLighting")]
    Task<CommandResult> SetLighting(SetLightingRequest request, Actor actor);

    [Alias("SetMask")]
    Task<CommandResult> SetMask(SetMaskRequest request, Actor actor);

    [Alias("SetMusic")]
    Task<CommandResult> SetMusic(SetMusicRequest request, Actor actor);

    /// <summary>Next (+1) or previous (−1) track.</summary>
    [Alias("SkipTrack")]
    Task<CommandResult> SkipTrack(int direction, Actor actor);

    /// <summary>The audio engine changed track or output state: push a fresh snapshot to the dashboards.</summary>
    [Alias("OnMusicStatusChanged")]
    Task OnMusicStatusChanged();

    [Alias("StartSession")]
    Task<CommandResult> StartSession(StartSessionRequest request, Actor actor);

    /// <summary>T0, hold, resume, end, Lights up and its resume.</summary>
    [Alias("SessionCommand")]
    Task<CommandResult> SessionCommand(SessionAction action, Actor actor);

    [Alias("ExtendPhase")]
    Task<CommandResult> ExtendPhase(int minutes, Actor actor);

    [Alias("JumpToPhase")]
    Task<CommandResult> JumpToPhase(string phaseId, Actor actor);

    [Alias("ReleaseOverride")]
    Task<CommandResult> ReleaseOverride(string attribute, Actor actor);

    [Alias("AddNote")]
    Task<CommandResult> AddNote(string text, Actor actor);

    [Alias("AddReminder")]
    Task<CommandResult> AddReminder(AddReminderRequest request, Actor actor);

    [Alias("AcknowledgeReminder")]
    Task<CommandResult> AcknowledgeReminder(string reminderId, Actor actor);

    [Alias("CompleteReminder")]
    Task<CommandResult> CompleteReminder(string reminderId, Actor actor);

    [Alias("RecordReading")]
    Task<CommandResult> RecordReading(string reminderId, ReadingDto reading, Actor actor);

    [Alias("UndoReminder")]
    Task<CommandResult> UndoReminder(string reminderId, Actor actor);

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

    /// <summary>Seeds many rooms with one registry write (a large facility's first start).</summary>
    [Alias("EnsureRooms")]
    Task EnsureRooms(IReadOnlyList<RoomDefinition> rooms);

    [Alias("ListRooms")]
    Task<IReadOnlyList<RoomSummary>> ListRooms();

    /// <summary>Creates an empty room; errors (field, message) when the id is invalid or taken.</summary>
    [Alias("CreateRoom")]
    Task<IReadOnlyList<FieldError>> CreateRoom(string roomId, string name);

    [Alias("RenameRoom")]
    Task<IReadOnlyList<FieldError>> RenameRoom(string roomId, string name);

    /// <summary>Retires a room: its devices are released (they control nothing until assigned again).</summary>
    [Alias("RetireRoom")]
    Task<CommandResult> RetireRoom(string roomId, Actor actor);

    /// <summary>Assigns a device that announced itself (or of a given kind) to a room, moving it from any other room.</summary>
    [Alias("AssignDevice")]
    Task<IReadOnlyList<FieldError>> AssignDevice(string deviceId, string roomId, string? kind);

    [Alias("UnassignDevice")]
    Task<IReadOnlyList<FieldError>> UnassignDevice(string deviceId);

    /// <summary>Remembers a device that announced itself without a room, so staff can find and assign it.</summary>
    [Alias("DeviceSeen")]
    Task DeviceSeen(string deviceId);

    /// <summary>Every device the facility knows: assigned ones and those that announced themselves.</summary>
    [Alias("ListDeviceIds")]
    Task<IReadOnlyList<string>> ListDeviceIds();

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

    /// <summary>The room the device is assigned to, if any (the device link caches it for state reports).</summary>
    [Alias("RoomOf")]
    ValueTask<string?> RoomOf();

    [Alias("Announced")]
    Task<bool> Announced(DeviceAnnouncement announcement);

    [Alias("AvailabilityChanged")]
    Task<bool> AvailabilityChanged(bool online, DateTimeOffset at);

    [Alias("StateReported")]
    Task<bool> StateReported(DeviceStateReport report);
}

/// <summary>
/// The record of one session, keyed by session id: every change, note and reminder event, persisted
/// before the room acknowledges the action that caused it. Outlives the session.
/// </summary>
[Alias("sc.ISessionRecordGrain")]
public interface ISessionRecordGrain : IGrainWithStringKey
{
    /// <summary>The record as written so far; null for a session id that never started.</summary>
    [Alias("Get")]
    Task<SessionRecordDto?> Get();
}

/// <summary>
/// Protocols: the built-in ones shipped as files, and those staff add or edit (stored as grain state).
/// Protocols cross the grain boundary as their JSON file format.
/// </summary>
[Alias("sc.IProtocolRegistryGrain")]
public interface IProtocolRegistryGrain : IGrainWithStringKey
{
    public const string Key = "protocols";

    [Alias("List")]
    Task<IReadOnlyList<ProtocolSummaryDto>> List();

    [Alias("GetJson")]
    Task<string?> GetJson(string protocolId);

    /// <summary>Adds or replaces a staff protocol. Returns the errors (field and message) when it is refused.</summary>
    [Alias("Save")]
    Task<IReadOnlyList<FieldError>> Save(string protocolJson);

    [Alias("Delete")]
    Task<IReadOnlyList<FieldError>> Delete(string protocolId);
}

/// <summary>
/// The facility's accounts and API keys (one grain, key <see cref="Key"/>). It stores what it is given;
/// hashing and checking passwords happen in the host, never here.
/// </summary>
[Alias("sc.IAccountsGrain")]
public interface IAccountsGrain : IGrainWithStringKey
{
    public const string Key = "accounts";

    [Alias("Get")]
    Task<AccountsSnapshot> Get();

    /// <summary>Adds an account; false when the name is taken.</summary>
    [Alias("CreateUser")]
    Task<bool> CreateUser(UserRecord user);

    /// <summary>Adds the first admin only while no admin exists; false otherwise (the setup token is single-use).</summary>
    [Alias("CreateFirstAdmin")]
    Task<bool> CreateFirstAdmin(UserRecord admin);

    /// <summary>Adds an account, or replaces it when it exists (demo accounts get fresh passwords at every start).</summary>
    [Alias("UpsertUser")]
    Task UpsertUser(UserRecord user);

    /// <summary>Replaces an existing account; false when there is none.</summary>
    [Alias("UpdateUser")]
    Task<bool> UpdateUser(UserRecord user);

    [Alias("DeleteUser")]
    Task<bool> DeleteUser(string username);

    [Alias("CreateKey")]
    Task CreateKey(ApiKeyRecord key);

    [Alias("RevokeKey")]
    Task<bool> RevokeKey(string keyId, DateTimeOffset at);

    /// <summary>
    /// Records a sign-out: the session's cookie is refused from now on, even a copy of it, until
    /// <paramref name="cookieExpiresBy"/> (after which no cookie of that session can be valid anyway).
    /// </summary>
    [Alias("SignOutSession")]
    Task SignOutSession(string sessionId, DateTimeOffset cookieExpiresBy, DateTimeOffset now);
}
