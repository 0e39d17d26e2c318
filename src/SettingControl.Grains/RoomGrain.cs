using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SettingControl.Contracts;
using SettingControl.Contracts.Storage;
using SettingControl.Domain;
using SettingControl.Domain.Program;
using SettingControl.Domain.Sessions;
using Orleans.Runtime.Placement;
using SettingControl.Grains.Rooms;

namespace SettingControl.Grains;

/// <summary>
/// One treatment room. The grain is thin: the room's behaviour is <see cref="TreatmentRoom"/> (domain); the grain
/// hands each command to it and commits what it decided through <see cref="RoomCommitPipeline"/> (stored before the
/// caller hears back, with its session record, then sent to devices and player and pushed to watchers). Its parts in
/// <c>Rooms/</c> take the devices' reports (<see cref="DeviceReports"/> into <see cref="RoomDevices"/>, in memory only,
/// because devices re-publish them as retained messages whenever the controller subscribes) and keep the device output,
/// storage, the clock and the watchers.
/// </summary>
[RoomPlacement]
public sealed class RoomGrain : Grain, IRoomGrain, IGrainMigrationParticipant
{
    private const string WatchersKey = "watchers";
    private const string DevicesKey = "devices";

    /// <summary>Observers must re-subscribe within this time; the host's bridge refreshes well before.</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromMinutes(2);

    private readonly IPersistentState<RoomState> _state;
    private readonly IMusicPlayer _music;
    private readonly TimeProvider _time;
    private readonly ILogger<RoomGrain> _logger;
    private readonly ILightsUpLatch _latch;
    private readonly RoomWatchers _watchers;
    private readonly RoomDevices _liveDevices;
    private readonly DeviceOutput _output;

    /// <summary>
    /// Stores the state before a change is acknowledged. The room runs ahead of it only while a safety action (Lights
    /// up) reached the devices but its write failed: it keeps it, retries every tick and refuses every other change.
    /// </summary>
    private readonly RoomStorage _storage;
    private readonly RoomCommitPipeline _commits;
    private readonly RoomClock _clock;
    private readonly DeviceReports _reports;

    public RoomGrain(
        [PersistentState("room", StorageNames.Default)] IPersistentState<RoomState> state,
        IDeviceCommands devices,
        IMusicPlayer music,
        TimeProvider time,
        RoomsAheadOfStorage ahead,
        ILightsUpLatch latch,
        ILogger<RoomGrain> logger)
    {
        _latch = latch;
        _state = state;
        _music = music;
        _time = time;
        _logger = logger;
        _watchers = new RoomWatchers(ObserverExpiry, logger, BuildSnapshot);
        _liveDevices = new RoomDevices(() => _state.State.Devices);
        _output = new DeviceOutput(devices, _liveDevices, EnsureTimer);
        var storageFailureLog = new StorageFailureLog(logger, time);
        _storage = new RoomStorage(RoomId, state, ahead, latch, storageFailureLog, logger,
            statusChanged: Notify, retryLater: EnsureTimer, unreadable: DeactivateOnIdle);
        _commits = new RoomCommitPipeline(RoomId, _storage, _liveDevices, _output, music, time, storageFailureLog, logger,
            published: Notify, scheduled: EnsureTimer, snapshot: BuildSnapshot);
        _reports = new DeviceReports(_liveDevices, _output, _commits, () => _state.State, time, Notify);
        _clock = new RoomClock(_storage, _output, time, () =>
            this.RegisterGrainTimer(OnTick, new GrainTimerCreationOptions(RoomClock.Period, RoomClock.Period) { Interleave = false, KeepAlive = true }));
    }

    private string RoomId => this.GetPrimaryKeyString();

    private TreatmentRoom Room => _state.State.Room;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A session survives restarts: the clock is recomputed from persisted timestamps on the first tick,
        // and the room's music picks up where the room wants it.
        EnsureTimer();
        if (!_state.State.Provisioned)
        {
            return;
        }

        _music.Apply(RoomId, Room.Music, Room.MusicDucked);

        // The host stopped while this room held a Lights up storage could not save: the lights are up, and the
        // room must not dim them to the state it last managed to store. Lights up again, then release the latch.
        if (_latch.Find(RoomId) is { } latched)
        {
            if (Room.LightsUp is null)
            {
                _logger.LogWarning("Room {RoomId}: Lights up pressed at {Since} was not saved before the host stopped; it is on again", RoomId, latched.Since);
                await Execute(Actor.System, (room, now, _) => room.LightsUpOn(latched.By, now), safety: true);
            }

            if (_storage.Problem is null)
            {
                _latch.Release(RoomId);
            }
        }
    }

    // ---- provisioning and queries ---------------------------------------------------------------

    public async Task Provision(string name, IReadOnlyList<DeviceAssignment> devices)
    {
        var assigned = devices.ToAssigned();
        var unchanged = _state.State.Provisioned && _state.State.Name == name && _state.State.Devices.SequenceEqual(assigned);
        if (unchanged)
        {
            return;
        }

        // A room holding an unsaved Lights up must not reload over it (WriteOrReload would).
        if (_storage.Problem is not null && !await _storage.TryFlush())
        {
            throw new StorageUnavailableException(_storage.Problem);
        }

        _state.State.Provisioned = true;
        _state.State.Name = name;
        _state.State.Devices = assigned;
        _state.State.Version++;
        await _storage.WriteOrReload();
        Notify();
    }

    public Task<CommandResult> UpdateSettings(UpdateRoomSettingsRequest request, Actor actor) =>
        Execute(actor, (room, now, actual) =>
            room.UpdateSettings(new RoomSettingsUpdate(request.MaxBrightness, request.DefaultPlaylistId, request.MaxMaskLight), actor.ToString(), now, actual, _music.HasPlaylist));

    public async Task<CommandResult> Retire(Actor actor)
    {
        if (!_state.State.Provisioned)
        {
            return CommandResult.NotFound(RoomId);
        }

        if (Room.ActiveSession is not null)
        {
            return new CommandResult(CommandOutcome.Invalid, null, [new FieldError("session", "End the session before retiring the room.")]);
        }

        if (_storage.Problem is not null && !await _storage.TryFlush())
        {
            return StorageFailures.Refused(_storage.Problem);
        }

        _logger.LogInformation("Room {RoomId} retired by {Actor}", RoomId, actor);
        _state.State = new RoomState();
        await _storage.WriteOrReload();
        _music.Apply(RoomId, MusicSetting.Default, false);
        return new CommandResult(CommandOutcome.Accepted, null, []);
    }

    public ValueTask<bool> Exists() => ValueTask.FromResult(_state.State.Provisioned);

    public async Task ReassertDevices()
    {
        if (!_state.State.Provisioned)
        {
            return;
        }

        var now = _time.GetUtcNow();
        await _output.SendProgram(Room.Lights, DeviceKind.Light, now);
        await _output.SendProgram(Room.Lights, DeviceKind.Mask, now);
        EnsureTimer();
    }

    public Task MoveToNode(string node)
    {
        // A room running ahead of its storage (a Lights up not yet saved) stays: what it holds unsaved lives in this
        // activation and this node's latch. The node asks again in 10 s.
        if (_storage.Problem is not null)
        {
            return Task.CompletedTask;
        }

        var here = ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        if (ClusterNodes.ActiveNamed(ServiceProvider.GetRequiredService<IClusterMembershipService>(), node) is { } there && !there.Equals(here))
        {
            _logger.LogInformation("Room {RoomId} moves to node {Node}, where its music output is", RoomId, node);
            RequestContext.Set(IPlacementDirector.PlacementHintKey, there);
            this.MigrateOnIdle();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Moving to another node: that node's engine plays the room now, so this one lets go of the output.
        if (reason.ReasonCode == DeactivationReasonCode.Migrating)
        {
            _music.Release(RoomId);
        }

        return Task.CompletedTask;
    }

    // The state travels by itself (persistent state takes part in a move). Carried here: the watchers, so every
    // tablet watching the room hears it from its new node at once rather than at its next renewal; and what the
    // devices last said (availability, levels, capabilities), which they would not say again for a move.
    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext context)
    {
        context.TryAddValue(WatchersKey, _watchers.All);
        context.TryAddValue(DevicesKey, _liveDevices.Carried());
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext context)
    {
        if (context.TryGetValue<string>(DevicesKey, out var devices) && devices is not null)
        {
            _liveDevices.TakeCarried(devices);
        }

        if (context.TryGetValue<IRoomObserver[]>(WatchersKey, out var watchers) && watchers is not null)
        {
            foreach (var watcher in watchers)
            {
                _watchers.Subscribe(watcher);
            }
        }
    }

    public ValueTask<string> ActiveOn() =>
        ValueTask.FromResult(ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString());

    public ValueTask<RoomSnapshot?> GetSnapshot() =>
        ValueTask.FromResult(_state.State.Provisioned ? BuildSnapshot() : null);

    // ---- commands -------------------------------------------------------------------------------

    public Task<CommandResult> SetLighting(SetLightingRequest request, Actor actor) =>
        Execute(actor, (room, now, actual) => room.SetLighting(request.ToCommand(), actor.ToString(), now, actual));

    public Task<CommandResult> SetMask(SetMaskRequest request, Actor actor) =>
        Execute(actor, (room, now, actual) => room.SetMask(request.ToCommand(), actor.ToString(), now, actual));

    public Task<CommandResult> SetMusic(SetMusicRequest request, Actor actor) =>
        Execute(actor, (room, now, _) => room.SetMusic(new MusicCommand(request.PlaylistId, request.Playing, request.Volume), actor.ToString(), now, _music.HasPlaylist));

    public Task<CommandResult> SkipTrack(int direction, Actor actor) =>
        Execute(actor, (room, now, _) => direction is 1 or -1
            ? room.SkipTrack(direction, actor.ToString(), now)
            : RoomChange.Refuse("direction", "Skip forward (+1) or back (−1) one track."));

    public Task OnMusicStatusChanged()
    {
        ShowChange();
        return Task.CompletedTask;
    }

    public async Task<CommandResult> StartSession(StartSessionRequest request, Actor actor)
    {
        if (!_state.State.Provisioned)
        {
            return CommandResult.NotFound(RoomId);
        }

        var protocolJson = string.IsNullOrWhiteSpace(request.ProtocolId)
            ? null
            : await GrainFactory.GetGrain<IProtocolRegistryGrain>(IProtocolRegistryGrain.Key).GetJson(request.ProtocolId);
        if (protocolJson is null || ProtocolFormat.Read(protocolJson).Protocol is not { } protocol)
        {
            return Invalid("protocolId", $"There is no protocol '{request.ProtocolId}'.");
        }

        var now = _time.GetUtcNow();
        var sessionId = $"{RoomId}-{now:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x1000, 0xffff):x4}";
        return await Execute(actor, (room, at, actual) => room.StartSession(protocol, request.Label ?? string.Empty, sessionId, actor.ToString(), at, actual), at: now);
    }

    public Task<CommandResult> SessionCommand(SessionAction action, Actor actor) =>
        Execute(actor, safety: action == SessionAction.LightsUp, operation: (room, now, actual) => action switch
        {
            SessionAction.MarkDose => room.MarkDose(actor.ToString(), now, actual),
            SessionAction.Hold => room.HoldClock(actor.ToString(), now),
            SessionAction.Resume => room.ResumeClock(actor.ToString(), now),
            SessionAction.End => room.EndSession(actor.ToString(), now),
            SessionAction.LightsUp => room.LightsUpOn(actor.ToString(), now),
            SessionAction.LightsUpResume => room.LightsUpResume(actor.ToString(), now, actual),
            _ => RoomChange.Refuse("action", $"Unknown session action '{action}'."),
        });

    public Task<CommandResult> ExtendPhase(int minutes, Actor actor) =>
        Execute(actor, (room, now, _) => room.ExtendPhase(minutes, actor.ToString(), now));

    public Task<CommandResult> JumpToPhase(string phaseId, Actor actor) =>
        Execute(actor, (room, now, actual) => room.JumpToPhase(phaseId, actor.ToString(), now, actual));

    public Task<CommandResult> ReleaseOverride(string attribute, Actor actor) =>
        Execute(actor, (room, now, actual) => ProgramAttributeNames.TryParse(attribute, out var parsed)
            ? room.ReleaseOverride(parsed, actor.ToString(), now, actual)
            : RoomChange.Refuse("attribute", $"'{attribute}' is not one of {ProgramAttributeNames.AllWire}."));

    public Task<CommandResult> AddNote(string text, Actor actor) =>
        Execute(actor, (room, now, _) => room.AddNote(text, actor.ToString(), now));

    public Task<CommandResult> AddReminder(AddReminderRequest request, Actor actor) =>
        Execute(actor, (room, now, _) =>
        {
            if (!SessionMapping.TryParsePriority(request.Priority, out var priority))
            {
                return RoomChange.Refuse("priority", $"'priority' must be high, medium or low; got '{request.Priority}'.");
            }

            return room.AddReminder(request.Title ?? string.Empty, priority, request.DueInMinutes ?? 0, actor.ToString(), now, request.RealertAfterMinutes ?? 5);
        });

    public Task<CommandResult> AcknowledgeReminder(string reminderId, Actor actor) =>
        Execute(actor, (room, now, _) => room.AcknowledgeReminder(reminderId, actor.ToString(), now));

    public Task<CommandResult> CompleteReminder(string reminderId, Actor actor) =>
        Execute(actor, (room, now, _) => room.CompleteReminder(reminderId, actor.ToString(), now));

    public Task<CommandResult> RecordReading(string reminderId, ReadingDto reading, Actor actor) =>
        Execute(actor, (room, now, _) => room.RecordReading(reminderId, reading.ToDomain(), actor.ToString(), now));

    public Task<CommandResult> UndoReminder(string reminderId, Actor actor) =>
        Execute(actor, (room, now, _) => room.UndoReminder(reminderId, actor.ToString(), now));

    // ---- what devices say -----------------------------------------------------------------------

    public Task OnDeviceAnnounced(DeviceAnnouncement announcement)
    {
        _reports.Announced(announcement);
        return Task.CompletedTask;
    }

    public Task OnDeviceAvailability(string deviceId, bool online, DateTimeOffset at) => _reports.AvailabilityChanged(deviceId, online, at);

    public Task OnDeviceState(string deviceId, DeviceStateReport report)
    {
        _reports.StateReported(deviceId, report);
        return Task.CompletedTask;
    }

    public Task Subscribe(IRoomObserver observer)
    {
        _watchers.Subscribe(observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IRoomObserver observer)
    {
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    // ---- the engine room ------------------------------------------------------------------------

    /// <summary>Runs one operation on the room through the commit pipeline (see <see cref="RoomCommitPipeline.Run"/>).</summary>
    private Task<CommandResult> Execute(
        Actor actor,
        Func<TreatmentRoom, DateTimeOffset, ActualLevels, RoomChange> operation,
        DateTimeOffset? at = null,
        bool safety = false) =>
        _commits.Run(actor, operation, at, safety);

    private async Task OnTick(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_storage.Problem is not null)
        {
            await _storage.TryFlush();
        }

        await _commits.MoveClockOn(now);
        await _output.OnTick(Room.Lights, now);
        _clock.StopWhenIdle(now);
    }

    private void EnsureTimer() => _clock.EnsureRunning();

    private static CommandResult Invalid(string field, string message) =>
        new(CommandOutcome.Invalid, null, [new FieldError(field, message)]);

    private void Notify() => _watchers.Notify();

    /// <summary>What a dashboard shows changed outside a command (a device report, the player): counted and pushed.</summary>
    private void ShowChange()
    {
        _state.State.Version++;
        Notify();
    }

    private RoomSnapshot BuildSnapshot() =>
        RoomSnapshotBuilder.Build(RoomId, _state.State, _liveDevices, _music.NowPlaying(RoomId), _storage.Problem, _time.GetUtcNow());
}
