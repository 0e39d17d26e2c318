using SettingControl.Domain.Program;

namespace SettingControl.Domain.Sessions;

/// <summary>
/// The room aggregate, free of Orleans and MQTT: its state (light program, session, Lights up, music, staff's
/// settings) and the one door every change goes through. Every operation takes "now" and returns a
/// <see cref="RoomChange"/> (events for the record, and whether lights, mask or music must be told); the room grain
/// persists the result and talks to the devices. The room keeps its settings and the tick here; the steps live
/// beside it: <see cref="ManualChanges"/>, <see cref="SessionSteps"/> (phase to phase), <see cref="PhaseClock"/>
/// (hold, extend, end), <see cref="LightsUpSteps"/>, <see cref="ReminderBook"/>, <see cref="SceneApplication"/>
/// and <see cref="RoomEventText"/>. State has non-public setters: only these steps change it.
/// </summary>
public sealed class TreatmentRoom
{
    /// <summary>Fade used when the room returns to the program (Lights up resume, hand-back).</summary>
    public const int ReturnFadeMs = 5000;

    /// <summary>
    /// Fade a mask-light change gets when it names none, and the shortest a phase scene gives it: the light sits on
    /// the patient's closed eyes, so it never goes from dark to bright at once.
    /// </summary>
    public const int MaskFadeMs = 3000;

    /// <summary>Fade used when staff lower a ceiling below where the light or mask light is.</summary>
    private const int CeilingFadeMs = 1000;

    public const int LightsUpBrightness = 100;
    public const int LightsUpColorTempK = 4000;

    private const int MaxCatchUpSteps = 500;

    /// <summary>A new room: warm, dim light, no session, music stopped.</summary>
    public TreatmentRoom()
    {
    }

    /// <summary>A room whose lights start on a given program (a room restored or set up elsewhere).</summary>
    public TreatmentRoom(LightProgram lights) => Lights = lights;

    public LightProgram Lights { get; private set; } = new();

    public Session? Session { get; private set; }

    public LightsUpState? LightsUp { get; internal set; }

    public MusicSetting Music { get; internal set; } = MusicSetting.Default;

    /// <summary>
    /// The room's brightness ceiling set by staff (e.g. a small room with a strong fixture). Manual changes
    /// above it go to the ceiling and scenes are capped to it; Lights up is exempt, it is a safety action.
    /// </summary>
    public int MaxBrightness { get; private set; } = Ranges.MaxBrightness;

    /// <summary>
    /// The eye-mask light's ceiling set by staff. Like <see cref="MaxBrightness"/>: a manual change above it goes to
    /// the ceiling (the record says so), scenes and the return from Lights up are capped to it.
    /// </summary>
    public int MaxMaskLight { get; private set; } = Ranges.MaxMaskLight;

    /// <summary>What plays when someone presses play and no playlist was chosen yet (set by staff).</summary>
    public string? DefaultPlaylistId { get; private set; }

    /// <summary>Lights up ducks the music so the therapist can talk and hear.</summary>
    public bool MusicDucked => LightsUp is not null;

    public Session? ActiveSession => Session is { IsActive: true } s ? s : null;

    // ---- room settings --------------------------------------------------------------------------

    /// <summary>
    /// Staff's settings change, checked as a whole before any part of it is applied: the brightness limit first, then
    /// the playlist, so a refused part leaves every setting as it was and the caller hears one reason.
    /// </summary>
    public RoomChange UpdateSettings(RoomSettingsUpdate update, string actor, DateTimeOffset now, ActualLevels actual, Func<string, bool> playlistExists)
    {
        if (update.MaxBrightness is { } max && !IsValidLimit(max))
        {
            return LimitRefused();
        }

        if (update.MaxMaskLight is { } maxMask && !IsValidLimit(maxMask))
        {
            return MaskLimitRefused();
        }

        var playlist = update.DefaultPlaylistId is { } p ? (p.Length == 0 ? null : p) : DefaultPlaylistId;
        if (playlist is not null && !playlistExists(playlist))
        {
            return PlaylistRefused(playlist);
        }

        var change = new RoomChange { StateChanged = true };
        if (update.MaxBrightness is { } limit && limit != MaxBrightness)
        {
            change = SetMaxBrightness(limit, actor, now, actual);
        }

        if (update.MaxMaskLight is { } maskLimit && maskLimit != MaxMaskLight)
        {
            var masked = SetMaxMaskLight(maskLimit, actor, now, actual);
            change.MaskChanged |= masked.MaskChanged;
            change.Events.AddRange(masked.Events);
        }

        if (update.DefaultPlaylistId is not null && playlist != DefaultPlaylistId)
        {
            change.Events.AddRange(SetDefaultPlaylist(playlist, actor, now, playlistExists).Events);
        }

        return change;
    }

    /// <summary>Sets the brightness ceiling; a brighter light (outside Lights up) fades down to it over a second.</summary>
    public RoomChange SetMaxBrightness(int maxBrightness, string actor, DateTimeOffset now, ActualLevels actual) =>
        SetCeiling(ProgramAttribute.Brightness, maxBrightness, actor, now, actual);

    /// <summary>Sets the mask-light ceiling; a brighter mask light (outside Lights up) fades down to it over the mask fade.</summary>
    public RoomChange SetMaxMaskLight(int maxMaskLight, string actor, DateTimeOffset now, ActualLevels actual) =>
        SetCeiling(ProgramAttribute.MaskLight, maxMaskLight, actor, now, actual);

    /// <summary>One ceiling (brightness or mask light): stored, and a level above it faded down to it unless Lights up holds the room.</summary>
    private RoomChange SetCeiling(ProgramAttribute attribute, int ceiling, string actor, DateTimeOffset now, ActualLevels actual)
    {
        var mask = attribute == ProgramAttribute.MaskLight;
        if (!IsValidLimit(ceiling))
        {
            return mask ? MaskLimitRefused() : LimitRefused();
        }

        var before = Lights.Desired;
        var ramp = mask ? Lights.MaskLight : Lights.Brightness;
        var lowered = LightsUp is null && ramp.To > ceiling
            ? ramp.Toward(ceiling, now, mask ? MaskFadeMs : CeilingFadeMs, mask ? actual.MaskLight : actual.Brightness)
            : null;
        if (mask)
        {
            MaxMaskLight = ceiling;
            Lights.MaskLight = lowered ?? ramp;
        }
        else
        {
            MaxBrightness = ceiling;
            Lights.Brightness = lowered ?? ramp;
        }

        var change = new RoomChange { StateChanged = true, LightsChanged = !mask && lowered is not null, MaskChanged = mask && lowered is not null };
        change.Events.Add(new RoomEvent(RoomEventTypes.SettingsChanged, $"{(mask ? "mask light" : "brightness")} limit {ceiling}%", actor, now)
        {
            Before = before,
            After = Lights.Desired,
            TransitionMs = (int?)lowered?.DurationMs,
            Phase = ActiveSession?.Phase.Name,
        });
        return change;
    }

    public RoomChange SetDefaultPlaylist(string? playlistId, string actor, DateTimeOffset now, Func<string, bool> playlistExists)
    {
        if (playlistId is not null && !playlistExists(playlistId))
        {
            return PlaylistRefused(playlistId);
        }

        DefaultPlaylistId = playlistId;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.SettingsChanged, playlistId is null ? "no default playlist" : $"default playlist {playlistId}", actor, now));
        return change;
    }

    private static bool IsValidLimit(int maxBrightness) => maxBrightness is >= 1 and <= Ranges.MaxBrightness;

    private static RoomChange LimitRefused() =>
        RoomChange.Refuse("maxBrightness", $"The brightness limit is 1–{Ranges.MaxBrightness} %.");

    private static RoomChange MaskLimitRefused() =>
        RoomChange.Refuse("maxMaskLight", $"The mask light limit is 1–{Ranges.MaxMaskLight} %.");

    private static RoomChange PlaylistRefused(string playlistId) =>
        RoomChange.Refuse("defaultPlaylistId", $"There is no playlist '{playlistId}'.");

    // ---- manual changes (ManualChanges) ---------------------------------------------------------

    public RoomChange SetLighting(LightingCommand command, string actor, DateTimeOffset now, ActualLevels actual) =>
        ManualChanges.SetLighting(this, command, actor, now, actual);

    public RoomChange SetMask(MaskCommand command, string actor, DateTimeOffset now, ActualLevels actual) =>
        ManualChanges.SetMask(this, command, actor, now, actual);

    public RoomChange SetMusic(MusicCommand command, string actor, DateTimeOffset now, Func<string, bool> playlistExists) =>
        ManualChanges.SetMusic(this, command, actor, now, playlistExists);

    public RoomChange SkipTrack(int direction, string actor, DateTimeOffset now) =>
        ManualChanges.SkipTrack(this, direction, actor, now);

    // ---- the session and its clock (SessionSteps moves it between phases; PhaseClock holds and extends) ----

    public RoomChange StartSession(Protocol protocol, string label, string sessionId, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (ActiveSession is { } running)
        {
            return RoomChange.Refuse("session", $"Session '{running.Label}' is still running in this room; end it first.");
        }

        if (SessionSteps.Begin(protocol, label, sessionId, now) is not { } session)
        {
            return RoomChange.Refuse("label", "'label' is required (1–100 characters, no patient-identifying data needed).");
        }

        Session = session;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.SessionStarted, $"Session '{session.Label}' started with protocol '{protocol.Name}'", actor, now));
        SessionSteps.EnterPhase(this, 0, now, now, actual, change);
        return change;
    }

    public RoomChange MarkDose(string actor, DateTimeOffset now, ActualLevels actual) =>
        ActiveSession is { } session ? SessionSteps.MarkDose(this, session, actor, now, actual) : NoSession();

    public RoomChange HoldClock(string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.Hold(session, actor, now) : NoSession();

    public RoomChange ResumeClock(string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.ResumeByHand(session, actor, now) : NoSession();

    public RoomChange ExtendPhase(int minutes, string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.Extend(session, minutes, actor, now) : NoSession();

    public RoomChange JumpToPhase(string phaseId, string actor, DateTimeOffset now, ActualLevels actual) =>
        ActiveSession is { } session ? SessionSteps.JumpTo(this, session, phaseId, actor, now, actual) : NoSession();

    public RoomChange EndSession(string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.End(session, actor, now) : NoSession();

    /// <summary>Hands an attribute the therapist took over back to the program, with a short fade.</summary>
    public RoomChange ReleaseOverride(ProgramAttribute attribute, string actor, DateTimeOffset now, ActualLevels actual) =>
        ActiveSession is { } session ? SessionSteps.ReleaseOverride(this, session, attribute, actor, now, actual) : NoSession();

    // ---- Lights up (LightsUpSteps) --------------------------------------------------------------

    /// <summary>
    /// Full neutral light at once, mask light off, the clock held. Pressed again while on, it changes nothing in the
    /// program but sends Lights up to every device once more.
    /// </summary>
    public RoomChange LightsUpOn(string actor, DateTimeOffset now) => LightsUpSteps.LightsUpOn(this, actor, now);

    /// <summary>Back to what the program says now (or to the light before Lights up), with a short fade.</summary>
    public RoomChange LightsUpResume(string actor, DateTimeOffset now, ActualLevels actual) =>
        LightsUpSteps.LightsUpResume(this, actor, now, actual);

    // ---- notes and reminders --------------------------------------------------------------------

    public RoomChange AddNote(string text, string actor, DateTimeOffset now)
    {
        if (ActiveSession is not { } session)
        {
            return NoSession();
        }

        text = text?.Trim() ?? string.Empty;
        if (text.Length is 0 or > 2000)
        {
            return RoomChange.Refuse("text", "A note needs 1–2000 characters.");
        }

        var change = new RoomChange { StateChanged = false };
        change.Events.Add(new RoomEvent(RoomEventTypes.Note, "Note", actor, now) { Note = text, Phase = session.Phase.Name });
        return change;
    }

    public RoomChange AddReminder(string title, ReminderPriority priority, int dueInMinutes, string actor, DateTimeOffset now, int realertAfterMinutes = 5) =>
        ActiveSession is { } session ? ReminderBook.Add(session, title, priority, dueInMinutes, actor, now, realertAfterMinutes) : NoSession();

    public RoomChange AcknowledgeReminder(string reminderId, string actor, DateTimeOffset now) =>
        ReminderBook.Acknowledge(ActiveSession, reminderId, actor, now);

    public RoomChange CompleteReminder(string reminderId, string actor, DateTimeOffset now) =>
        ReminderBook.Complete(ActiveSession, reminderId, actor, now);

    public RoomChange RecordReading(string reminderId, VitalReading reading, string actor, DateTimeOffset now) =>
        ReminderBook.RecordReading(ActiveSession, reminderId, reading, actor, now);

    public RoomChange UndoReminder(string reminderId, string actor, DateTimeOffset now) =>
        ReminderBook.Undo(ActiveSession, reminderId, actor, now);

    // ---- time passing ---------------------------------------------------------------------------

    /// <summary>
    /// Moves the clock to <paramref name="now"/>: phases whose time is up hand over to the next one at
    /// the exact moment they ran out (so after a restart the room lands where it would have been),
    /// reminders fall due and re-alert.
    /// </summary>
    public RoomChange Tick(DateTimeOffset now, ActualLevels actual)
    {
        var change = new RoomChange();
        if (ActiveSession is not { } session)
        {
            return change;
        }

        for (var step = 0; step < MaxCatchUpSteps; step++)
        {
            if (session.IsHeld || session.PhaseRemaining(now) != TimeSpan.Zero || !session.CanAdvanceAutomatically)
            {
                break;
            }

            var endedAt = session.PhaseStartedAt + session.PhaseLength!.Value + TimeSpan.FromMilliseconds(session.HeldInPhaseMs);
            change.StateChanged = true;
            SessionSteps.EnterPhase(this, session.PhaseIndex + 1, endedAt, now, actual, change);
        }

        ReminderBook.FallDue(session, now, change);
        return change;
    }

    /// <summary>Reminders that are due or acknowledged (not done), most urgent first.</summary>
    public IEnumerable<ReminderInstance> OpenReminders => ReminderBook.Open(ActiveSession);

    // ---- internals ------------------------------------------------------------------------------

    /// <summary>Starts ramps toward a scene (<see cref="SceneApplication"/>), within the room's limits and its overrides.</summary>
    internal void ApplyScene(Scene scene, DateTimeOffset start, DateTimeOffset now, long fadeMs, ActualLevels actual, RoomChange change, ProgramAttribute? only = null) =>
        Music = SceneApplication.Apply(scene, Lights, Music, MaxBrightness, Session?.Overrides ?? [], start, now, fadeMs, actual, change, only, MaxMaskLight);

    /// <summary>A therapist's change to an attribute beats the program for that attribute until the next phase.</summary>
    internal void TakeOver(ProgramAttribute attribute, string actor)
    {
        if (ActiveSession is { } session && actor != Actors.Program && !session.Overrides.Contains(attribute))
        {
            session.Overrides.Add(attribute);
        }
    }

    private static RoomChange NoSession() => RoomChange.Refuse("session", "No session is running in this room; start one first.");
}
