using Microsoft.AspNetCore.SignalR;
using SettingControl.Contracts;
using Microsoft.AspNetCore.Authorization;
using SettingControl.Host.Security;
using SettingControl.Host.Services;

namespace SettingControl.Host.Hubs;

/// <summary>
/// The dashboard's live channel. Clients join a room's group to receive <c>RoomChanged</c> snapshots (or watch it to
/// receive <c>RoomPatched</c>, only what changed) and send commands back; every refusal is a <see cref="HubException"/> with a message a therapist can read.
/// </summary>
[Authorize]
public sealed class RoomsHub(
    IGrainFactory grains,
    RoomObserverBridge bridge,
    ApiCounters counters,
    IPlaylistCatalog playlists,
    KnownRooms knownRooms,
    SessionRecords records) : Hub
{
    public const string Path = "/hubs/rooms";
    public const string RoomChangedMethod = "RoomChanged";
    public const string RoomPatchedMethod = "RoomPatched";

    public const string RecordNotAvailable = "This session's record is not available.";

    public static string GroupFor(string roomId) => "room:" + roomId;

    public static string PatchGroupFor(string roomId) => "room-patches:" + roomId;

    public Task<IReadOnlyList<RoomSnapshot>> GetRooms() => RoomDirectory.ListAsync(grains);

    public async Task<RoomSnapshot> JoinRoom(string roomId)
    {
        var snapshot = await SnapshotOrThrow(roomId);
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(roomId));
        await bridge.WatchAsync(roomId);

        // Re-read after joining so nothing that changed in between is missed.
        return await SnapshotOrThrow(roomId);
    }

    /// <summary>
    /// Like <see cref="JoinRoom"/>, but the room's changes come as <c>RoomPatched</c>: only what changed, applied to the
    /// snapshot returned here (see <see cref="RoomObserverBridge"/>). The dashboard's way to watch a room; calling it
    /// again starts the caller's copy afresh.
    /// </summary>
    public async Task<RoomWatch> WatchRoom(string roomId)
    {
        await SnapshotOrThrow(roomId);
        await Groups.AddToGroupAsync(Context.ConnectionId, PatchGroupFor(roomId));
        await bridge.WatchAsync(roomId);

        // Read after joining, so every change after this read reaches the caller as a patch.
        return bridge.Seed(await SnapshotOrThrow(roomId));
    }

    public async Task LeaveRoom(string roomId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupFor(roomId ?? string.Empty));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, PatchGroupFor(roomId ?? string.Empty));
    }

    [ControlsRoom]
    public async Task<RoomSnapshot> SetLighting(string roomId, SetLightingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Command(roomId, room => room.SetLighting(request, Actor()));
    }

    [ControlsRoom]
    public async Task<RoomSnapshot> SetMask(string roomId, SetMaskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Command(roomId, room => room.SetMask(request, Actor()));
    }

    public IReadOnlyList<PlaylistDto> GetPlaylists() => playlists.List();

    [ControlsRoom]
    public async Task<RoomSnapshot> SetMusic(string roomId, SetMusicRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Command(roomId, room => room.SetMusic(request, Actor()));
    }

    [ControlsRoom]
    public async Task<RoomSnapshot> NextTrack(string roomId) => await Command(roomId, room => room.SkipTrack(1, Actor()));

    [ControlsRoom]
    public async Task<RoomSnapshot> PreviousTrack(string roomId) => await Command(roomId, room => room.SkipTrack(-1, Actor()));

    public Task<IReadOnlyList<ProtocolSummaryDto>> GetProtocols() =>
        grains.GetGrain<IProtocolRegistryGrain>(IProtocolRegistryGrain.Key).List();

    [ControlsRoom]
    public async Task<RoomSnapshot> StartSession(string roomId, StartSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Command(roomId, room => Api.SessionApi.StartSession(room, roomId, request, Actor(), records));
    }

    [ControlsRoom]
    public Task<RoomSnapshot> MarkDose(string roomId) => Action(roomId, SessionAction.MarkDose);

    [ControlsRoom]
    public Task<RoomSnapshot> HoldClock(string roomId) => Action(roomId, SessionAction.Hold);

    [ControlsRoom]
    public Task<RoomSnapshot> ResumeClock(string roomId) => Action(roomId, SessionAction.Resume);

    [ControlsRoom]
    public Task<RoomSnapshot> EndSession(string roomId) => Action(roomId, SessionAction.End);

    [ControlsRoom]
    public Task<RoomSnapshot> LightsUp(string roomId) => Action(roomId, SessionAction.LightsUp);

    [ControlsRoom]
    public Task<RoomSnapshot> LightsUpResume(string roomId) => Action(roomId, SessionAction.LightsUpResume);

    [ControlsRoom]
    public async Task<RoomSnapshot> ExtendPhase(string roomId, int minutes) =>
        await Command(roomId, room => room.ExtendPhase(minutes, Actor()));

    [ControlsRoom]
    public async Task<RoomSnapshot> JumpToPhase(string roomId, string phaseId) =>
        await Command(roomId, room => room.JumpToPhase(phaseId ?? string.Empty, Actor()));

    [ControlsRoom]
    public async Task<RoomSnapshot> ReleaseOverride(string roomId, string attribute) =>
        await Command(roomId, room => room.ReleaseOverride(attribute ?? string.Empty, Actor()));

    [ControlsRoom]
    public async Task<RoomSnapshot> AddNote(string roomId, string text) =>
        await Command(roomId, room => room.AddNote(text ?? string.Empty, Actor()));

    [ControlsRoom]
    public async Task<RoomSnapshot> AddReminder(string roomId, AddReminderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Command(roomId, room => room.AddReminder(request, Actor()));
    }

    [ControlsRoom]
    public async Task<RoomSnapshot> AcknowledgeReminder(string roomId, string reminderId) =>
        await Command(roomId, room => room.AcknowledgeReminder(reminderId ?? string.Empty, Actor()));

    [ControlsRoom]
    public async Task<RoomSnapshot> CompleteReminder(string roomId, string reminderId) =>
        await Command(roomId, room => room.CompleteReminder(reminderId ?? string.Empty, Actor()));

    /// <summary>Completes a monitoring reminder with its reading (see ReminderBook.RecordReading).</summary>
    [ControlsRoom]
    public async Task<RoomSnapshot> RecordReading(string roomId, string reminderId, ReadingDto reading) =>
        await Command(roomId, room => room.RecordReading(reminderId ?? string.Empty, reading ?? new ReadingDto(), Actor()));

    /// <summary>Takes back an Acknowledge or a Done (see ReminderBook.Undo).</summary>
    [ControlsRoom]
    public async Task<RoomSnapshot> UndoReminder(string roomId, string reminderId) =>
        await Command(roomId, room => room.UndoReminder(reminderId ?? string.Empty, Actor()));

    /// <summary>
    /// The record, if it exists and the caller may read its room; otherwise the same plain refusal for both
    /// (the room page shows it, so no identifier in it).
    /// </summary>
    public async Task<SessionRecordDto> GetSessionRecord(string sessionId)
    {
        var record = await records.ReadAsync(sessionId, Access());
        if (record is null)
        {
            counters.NotFound();
            throw new HubException(RecordNotAvailable);
        }

        return record;
    }

    /// <summary>
    /// The record's header and only the events after <paramref name="afterSequence"/>: a tablet that holds the record
    /// asks for what is new, so a three-hour session does not send its whole record again every few seconds.
    /// </summary>
    public async Task<SessionRecordDto> GetSessionRecordSince(string sessionId, long afterSequence)
    {
        var record = await GetSessionRecord(sessionId);
        return afterSequence <= 0 ? record : record with { Events = [.. record.Events.Where(e => e.Sequence > afterSequence)] };
    }

    private Task<RoomSnapshot> Action(string roomId, SessionAction action) =>
        Command(roomId, room => room.SessionCommand(action, Actor()));

    private async Task<RoomSnapshot> Command(string roomId, Func<IRoomGrain, Task<CommandResult>> command) =>
        Unwrap(roomId, await command(await Room(roomId)));

    /// <summary>The room's grain, only for a room the facility has: an unknown id activates nothing.</summary>
    private async Task<IRoomGrain> Room(string roomId)
    {
        if (!await knownRooms.ContainsAsync(roomId))
        {
            counters.NotFound();
            throw new HubException($"Room '{roomId}' does not exist.");
        }

        return grains.GetGrain<IRoomGrain>(roomId);
    }

    private async Task<RoomSnapshot> SnapshotOrThrow(string roomId)
    {
        var snapshot = await (await Room(roomId)).GetSnapshot();
        if (snapshot is null)
        {
            counters.NotFound();
            throw new HubException($"Room '{roomId}' does not exist.");
        }

        return snapshot;
    }

    private RoomSnapshot Unwrap(string roomId, CommandResult result)
    {
        switch (result.Outcome)
        {
            case CommandOutcome.Accepted:
                return result.Snapshot!;
            case CommandOutcome.RoomNotFound:
                counters.NotFound();
                throw new HubException($"Room '{roomId}' does not exist.");
            case CommandOutcome.StorageUnavailable:
                throw new HubException(string.Join(" ", result.Errors.Select(e => e.Message)));
            default:
                counters.Invalid();
                throw new HubException(string.Join(" ", result.Errors.Select(e => e.Message)));
        }
    }

    /// <summary>The signed-in account or key, as checked for this very call by <see cref="HubAccessFilter"/>.</summary>
    private Access Access() => Context.Items.TryGetValue(HubAccessFilter.AccessItem, out var access) && access is Access current
        ? current
        : throw new HubException("Your sign-in has ended. Sign in again.");

    private Actor Actor() => Access().Actor;
}
