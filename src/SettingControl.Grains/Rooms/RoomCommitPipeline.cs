using Microsoft.Extensions.Logging;
using SettingControl.Contracts;
using SettingControl.Contracts.Storage;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// Commits what the room's domain decided (a <see cref="RoomChange"/>): counts it and journals its record events,
/// stores it before the caller hears back (a refused write drops the change with its events and puts the devices
/// back), sends it to the devices while the write commits and to the player once stored, tells watchers and keeps the
/// room's clock running. A safety action (Lights up) goes to the devices first and is kept even when storage refuses it.
/// </summary>
internal sealed class RoomCommitPipeline
{
    private readonly string _roomId;
    private readonly RoomStorage _storage;
    private readonly RoomDevices _devices;
    private readonly DeviceOutput _output;
    private readonly IMusicPlayer _music;
    private readonly TimeProvider _time;
    private readonly StorageFailureLog _failureLog;
    private readonly ILogger _logger;
    private readonly Action _published;
    private readonly Action _scheduled;
    private readonly Func<RoomSnapshot> _snapshot;

    /// <param name="failureLog">Shared with the room's storage, so a full disk is logged once a minute, not per caller.</param>
    /// <param name="published">Tells watchers the room changed.</param>
    /// <param name="scheduled">Starts the room's clock if the change left it work (a fade, a session, a retry).</param>
    /// <param name="snapshot">The room as the caller of an accepted command sees it.</param>
    public RoomCommitPipeline(
        string roomId,
        RoomStorage storage,
        RoomDevices devices,
        DeviceOutput output,
        IMusicPlayer music,
        TimeProvider time,
        StorageFailureLog failureLog,
        ILogger logger,
        Action published,
        Action scheduled,
        Func<RoomSnapshot> snapshot)
    {
        _roomId = roomId;
        _storage = storage;
        _devices = devices;
        _output = output;
        _music = music;
        _time = time;
        _failureLog = failureLog;
        _logger = logger;
        _published = published;
        _scheduled = scheduled;
        _snapshot = snapshot;
    }

    private RoomState State => _storage.State;

    private TreatmentRoom Room => State.Room;

    /// <summary>
    /// Runs one operation on the room: refused operations change nothing; accepted ones are stored with their record
    /// events, sent to the devices and pushed to watchers before the caller hears back. A safety action
    /// (<paramref name="safety"/>, Lights up) goes to the devices first and is kept even when storage refuses it.
    /// </summary>
    public async Task<CommandResult> Run(
        Actor actor,
        Func<TreatmentRoom, DateTimeOffset, ActualLevels, RoomChange> operation,
        DateTimeOffset? at = null,
        bool safety = false)
    {
        if (!State.Provisioned)
        {
            return CommandResult.NotFound(_roomId);
        }

        // A room running ahead of storage takes nothing but Lights up until what it holds is stored.
        if (_storage.Problem is not null && !safety && !await _storage.TryFlush())
        {
            return StorageFailures.Refused(_storage.Problem);
        }

        var now = at ?? _time.GetUtcNow();

        // The domain checks everything before it changes anything, so a refusal leaves the room as it was.
        var change = operation(Room, now, _devices.Actual());
        if (change.Refused)
        {
            return new CommandResult(CommandOutcome.Invalid, null, change.Errors.ToDto());
        }

        try
        {
            await Commit(change, now, actor);
        }
        catch (StorageUnavailableException refused)
        {
            return StorageFailures.Refused(refused.PlainReason);
        }

        return new CommandResult(CommandOutcome.Accepted, _snapshot(), []);
    }

    /// <summary>
    /// Commits an accepted change (<paramref name="actor"/> null when the room's own clock made it). Throws
    /// <see cref="StorageUnavailableException"/> when storage refused it and the room is back as stored.
    /// </summary>
    public async Task Commit(RoomChange change, DateTimeOffset now, Actor? actor)
    {
        Record(change, actor);
        if (change.IsSafetyAction)
        {
            // Devices first, whatever storage does: the light must come up even on a full disk.
            await Apply(change, now);
            if (!await _storage.TryFlush())
            {
                _logger.LogError("Room {RoomId}: Lights up reached the devices but could not be stored ({Reason}); retrying every second", _roomId, _storage.Problem);
            }
        }
        else if (_storage.LastWriteFailed && (change.StateChanged || change.Events.Count > 0))
        {
            // Storage is failing: store first, so the devices never hear a change that is refused.
            await _storage.WriteOrReload();
            await Apply(change, now);
        }
        else if (change.StateChanged || change.Events.Count > 0)
        {
            // The devices hear the change while its write commits (the write is the slowest step of a command); the
            // caller still hears back only once it is stored. A write that fails reloads the room, and the devices
            // are put back where the stored room has them. The player waits for the write: a skipped track cannot
            // be put back.
            var stored = _storage.WriteOrReload();
            await ApplyToDevices(change, now);
            try
            {
                await stored;
            }
            catch (StorageUnavailableException)
            {
                await ApplyToDevices(change, now);
                throw;
            }

            ApplyToPlayer(change);
        }
        else
        {
            await ApplyToDevices(change, now);
            ApplyToPlayer(change);
        }

        _published();
        _scheduled();
    }

    /// <summary>
    /// Commits what the session's own clock decided once work is due (the next phase, a reminder coming due). Nobody
    /// waits for it, so a failure is logged and the next tick tries again; a room running ahead of storage holds its
    /// clock until what it kept is stored.
    /// </summary>
    public async Task MoveClockOn(DateTimeOffset now)
    {
        if (_storage.Problem is null && Room.ActiveSession is { } session && session.HasDueWork(now))
        {
            try
            {
                var change = Room.Tick(now, _devices.Actual());
                await Commit(change, now, actor: null);
            }
            catch (StorageUnavailableException refused)
            {
                _failureLog.Log(_roomId, refused, refused.PlainReason, "the phase clock could not move on; it will try again");
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Room {RoomId}: the phase clock could not move on; it will try again", _roomId);
            }
        }
    }

    /// <summary>
    /// Records what a device reported during a session. An observation, not a command: when storage refuses it the
    /// room reloads and the entry is dropped; while the room runs ahead of storage it rides on the next write.
    /// </summary>
    public async Task RecordObservation(RoomEvent observed)
    {
        Journal([observed]);
        if (_storage.Problem is null)
        {
            try
            {
                await _storage.WriteOrReload();
            }
            catch (StorageUnavailableException)
            {
            }
        }
    }

    /// <summary>Counts the change, notes who made it and journals its events into the state's next write.</summary>
    private void Record(RoomChange change, Actor? actor)
    {
        if (!change.StateChanged && change.Events.Count == 0)
        {
            return;
        }

        State.Version++;
        if (actor is not null && change.Events.LastOrDefault(e => e.Actor == actor.ToString()) is { } last)
        {
            State.LastChange = new RecordedChange(last.Actor, last.Summary, last.At);
        }

        if (change.Events.LastOrDefault(e => e.TransitionMs is not null && RoomEventTypes.StartsAFade(e.Type)) is { } lighting)
        {
            State.LastTransitionMs = lighting.TransitionMs!.Value;
        }

        if (change.Events.Any(e => e.Type == "session-started") && Room.Session is { } started)
        {
            SessionJournal.Begin(State, new SessionRecordDto(
                started.SessionId, _roomId, started.Protocol.Id, started.Protocol.Name, started.Label,
                started.StartedAt, null, started.Protocol.PlanDto(), []));
        }

        Journal(change.Events);
        if (change.Events.Any(e => e.Type == RoomEventTypes.SessionEnded) && Room.Session is { EndedAt: { } endedAt } ended)
        {
            SessionJournal.End(State, ended.SessionId, endedAt);
        }
    }

    /// <summary>Sends what the change moved to the devices and the player.</summary>
    private async Task Apply(RoomChange change, DateTimeOffset now)
    {
        await ApplyToDevices(change, now);
        ApplyToPlayer(change);
    }

    /// <summary>Sends the room's light program (as the room holds it now) to the kinds of device the change moved.</summary>
    private async Task ApplyToDevices(RoomChange change, DateTimeOffset now)
    {
        if (change.LightsChanged)
        {
            await _output.SendProgram(Room.Lights, DeviceKind.Light, now);
        }

        if (change.MaskChanged)
        {
            await _output.SendProgram(Room.Lights, DeviceKind.Mask, now);
        }
    }

    private void ApplyToPlayer(RoomChange change)
    {
        if (change.MusicChanged)
        {
            _music.Apply(_roomId, Room.Music, Room.MusicDucked);
        }

        if (change.MusicSkip != 0)
        {
            _music.Skip(_roomId, change.MusicSkip);
        }
    }

    /// <summary>Puts record events (with every device's actual state at that moment) into the state's next write.</summary>
    private void Journal(IReadOnlyList<RoomEvent> events)
    {
        if (events.Count == 0 || Room.Session is not { } session)
        {
            return;
        }

        var actual = _devices.ActualDevices();
        foreach (var e in events)
        {
            SessionJournal.Append(State, session.SessionId, e.ToDto(0, actual));
        }
    }
}
