using SettingControl.Domain.Program;

namespace SettingControl.Domain.Sessions;

/// <summary>
/// The room's behaviour, free of Orleans and MQTT: manual changes, the session and its phase clock,
/// overrides, Lights up and reminders. Every operation takes "now" and returns a <see cref="RoomChange"/>
/// (events for the record, and whether lights or mask must be told); the room grain persists the
/// result and talks to the devices.
/// </summary>
public sealed class TreatmentRoom
{
    /// <summary>Fade used when the room returns to the program (Lights up resume, hand-back).</summary>
    public const int ReturnFadeMs = 5000;

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

    public LightsUpState? LightsUp { get; private set; }

    public MusicSetting Music { get; private set; } = MusicSetting.Default;

    /// <summary>
    /// The room's brightness ceiling set by staff (e.g. a small room with a strong fixture). Manual changes
    /// above it are refused and scenes are capped to it; Lights up is exempt, it is a safety action.
    /// </summary>
    public int MaxBrightness { get; private set; } = Ranges.MaxBrightness;

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

        if (update.DefaultPlaylistId is not null && playlist != DefaultPlaylistId)
        {
            change.Events.AddRange(SetDefaultPlaylist(playlist, actor, now, playlistExists).Events);
        }

        return change;
    }

    /// <summary>Sets the brightness ceiling; a brighter light (outside Lights up) fades down to it over a second.</summary>
    public RoomChange SetMaxBrightness(int maxBrightness, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (!IsValidLimit(maxBrightness))
        {
            return LimitRefused();
        }

        var before = Lights.Desired;
        MaxBrightness = maxBrightness;
        var change = new RoomChange { StateChanged = true };
        if (LightsUp is null && Lights.Brightness.To > maxBrightness)
        {
            Lights.Brightness = StartRamp(Lights.Brightness, maxBrightness, now, 1000, actual.Brightness);
            change.LightsChanged = true;
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.SettingsChanged, $"brightness limit {maxBrightness}%", actor, now)
        {
            Before = before,
            After = Lights.Desired,
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

    private static RoomChange PlaylistRefused(string playlistId) =>
        RoomChange.Refuse("defaultPlaylistId", $"There is no playlist '{playlistId}'.");

    // ---- manual changes -------------------------------------------------------------------------

    public RoomChange SetLighting(LightingCommand command, string actor, DateTimeOffset now, ActualLevels actual)
    {
        var errors = CommandValidation.Validate(command);
        if (errors.Count > 0)
        {
            return RoomChange.Refuse(errors);
        }

        if (command.Brightness > MaxBrightness)
        {
            return RoomChange.Refuse("brightness", $"This room's brightness is limited to {MaxBrightness}% by staff.");
        }

        var change = new RoomChange { LightsChanged = true, StateChanged = true };
        var before = Lights.Desired;
        var transition = command.TransitionMs ?? 0;
        if (command.On is { } on)
        {
            Lights.LightsOn = on;
            TakeOver(ProgramAttribute.LightsOn, actor);
        }

        if (command.Brightness is { } brightness)
        {
            Lights.Brightness = StartRamp(Lights.Brightness, brightness, now, transition, actual.Brightness);
            TakeOver(ProgramAttribute.Brightness, actor);
        }

        if (command.ColorTempK is { } colorTemp)
        {
            Lights.ColorTempK = StartRamp(Lights.ColorTempK, colorTemp, now, transition, actual.ColorTempK);
            TakeOver(ProgramAttribute.ColorTempK, actor);
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.LightingChanged, RoomEventText.Describe(command), actor, now)
        {
            Before = before,
            After = Lights.Desired,
            TransitionMs = transition,
            Phase = ActiveSession?.Phase.Name,
        });
        return change;
    }

    public RoomChange SetMask(MaskCommand command, string actor, DateTimeOffset now, ActualLevels actual)
    {
        var errors = CommandValidation.Validate(command);
        if (errors.Count > 0)
        {
            return RoomChange.Refuse(errors);
        }

        var change = new RoomChange { MaskChanged = true, StateChanged = true };
        var before = Lights.Desired;
        if (command.On is { } on)
        {
            Lights.MaskOn = on;
            TakeOver(ProgramAttribute.MaskOn, actor);
        }

        if (command.Light is { } light)
        {
            Lights.MaskLight = StartRamp(Lights.MaskLight, light, now, 0, actual.MaskLight);
            TakeOver(ProgramAttribute.MaskLight, actor);
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.MaskChanged, RoomEventText.Describe(command), actor, now)
        {
            Before = before,
            After = Lights.Desired,
            TransitionMs = 0,
            Phase = ActiveSession?.Phase.Name,
        });
        return change;
    }

    public RoomChange SetMusic(MusicCommand command, string actor, DateTimeOffset now, Func<string, bool> playlistExists)
    {
        var errors = CommandValidation.Validate(command, playlistExists);
        if (errors.Count > 0)
        {
            return RoomChange.Refuse(errors);
        }

        var before = Music;
        Music = new MusicSetting(command.PlaylistId ?? Music.PlaylistId ?? DefaultPlaylistId, command.Playing ?? Music.Playing, command.Volume ?? Music.Volume);
        if (command.PlaylistId is not null)
        {
            TakeOver(ProgramAttribute.MusicPlaylist, actor);
        }

        if (command.Playing is not null)
        {
            TakeOver(ProgramAttribute.MusicPlaying, actor);
        }

        if (command.Volume is not null)
        {
            TakeOver(ProgramAttribute.MusicVolume, actor);
        }

        var change = new RoomChange { MusicChanged = true, StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.MusicChanged, RoomEventText.DescribeMusic(before, Music), actor, now) { Phase = ActiveSession?.Phase.Name });
        return change;
    }

    public RoomChange SkipTrack(int direction, string actor, DateTimeOffset now)
    {
        if (Music.PlaylistId is null || !Music.Playing)
        {
            return RoomChange.Refuse("music", "No music is playing in this room.");
        }

        var change = new RoomChange { MusicSkip = Math.Sign(direction) };
        change.Events.Add(new RoomEvent(direction > 0 ? RoomEventTypes.MusicNext : RoomEventTypes.MusicPrevious, direction > 0 ? "Next track" : "Previous track", actor, now)
        {
            Phase = ActiveSession?.Phase.Name,
        });
        return change;
    }

    // ---- the session and its clock --------------------------------------------------------------

    public RoomChange StartSession(Protocol protocol, string label, string sessionId, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (ActiveSession is { } running)
        {
            return RoomChange.Refuse("session", $"Session '{running.Label}' is still running in this room; end it first.");
        }

        label = label?.Trim() ?? string.Empty;
        if (label.Length is 0 or > 100)
        {
            return RoomChange.Refuse("label", "'label' is required (1–100 characters, no patient-identifying data needed).");
        }

        Session = new Session(sessionId, protocol, label, now);
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.SessionStarted, $"Session '{label}' started with protocol '{protocol.Name}'", actor, now));
        EnterPhase(0, now, now, actual, change);
        return change;
    }

    public RoomChange MarkDose(string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (ActiveSession is not { } session)
        {
            return NoSession();
        }

        if (session.DoseAt is { } dose)
        {
            return RoomChange.Refuse("t0", $"T0 was already marked at {dose:HH:mm:ss}.");
        }

        session.DoseAt = now;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.DoseMarked, "T0: dose given", actor, now) { Phase = session.Phase.Name });
        if (session.Protocol.DosePhaseIndex is { } dosePhase && dosePhase > session.PhaseIndex)
        {
            EnterPhase(dosePhase, now, now, actual, change);
        }

        return change;
    }

    public RoomChange HoldClock(string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.Hold(session, actor, now) : NoSession();

    public RoomChange ResumeClock(string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.ResumeByHand(session, actor, now) : NoSession();

    public RoomChange ExtendPhase(int minutes, string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.Extend(session, minutes, actor, now) : NoSession();

    public RoomChange JumpToPhase(string phaseId, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (ActiveSession is not { } session)
        {
            return NoSession();
        }

        var index = session.Protocol.IndexOf(phaseId ?? string.Empty);
        if (index < 0)
        {
            return RoomChange.Refuse("phase", $"Protocol '{session.Protocol.Name}' has no phase '{phaseId}'.");
        }

        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.PhaseJumped, $"Jumped to phase '{session.Protocol.Phases[index].Name}'", actor, now) { Phase = session.Phase.Name });
        EnterPhase(index, now, now, actual, change);
        return change;
    }

    public RoomChange EndSession(string actor, DateTimeOffset now) =>
        ActiveSession is { } session ? PhaseClock.End(session, actor, now) : NoSession();

    /// <summary>Hands an attribute the therapist took over back to the program, with a short fade.</summary>
    public RoomChange ReleaseOverride(ProgramAttribute attribute, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (ActiveSession is not { } session)
        {
            return NoSession();
        }

        if (!session.Overrides.Remove(attribute))
        {
            return RoomChange.Refuse("attribute", $"'{ProgramAttributeNames.Wire(attribute)}' is not overridden; the program already controls it.");
        }

        var change = new RoomChange { StateChanged = true };
        var before = Lights.Desired;
        if (LightsUp is null)
        {
            ApplyScene(session.Phase.Scene, now, now, ReturnFadeMs, actual, change, only: attribute);
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.OverrideReleased, $"{ProgramAttributeNames.Wire(attribute)} handed back to the program", actor, now)
        {
            Before = before,
            After = Lights.Desired,
            TransitionMs = ReturnFadeMs,
            Phase = session.Phase.Name,
        });
        return change;
    }

    // ---- Lights up ------------------------------------------------------------------------------

    /// <summary>
    /// Full neutral light at once, mask light off, the clock held. Pressed again while on, it changes nothing in the
    /// program but sends Lights up to every device once more: a therapist who presses twice wants the light, and a
    /// device that missed the first press (rebooted, storage failing, a dropped message) gets it now.
    /// </summary>
    public RoomChange LightsUpOn(string actor, DateTimeOffset now)
    {
        if (LightsUp is { } active)
        {
            var again = new RoomChange { LightsChanged = true, MaskChanged = true, MusicChanged = true, IsSafetyAction = true };
            again.Events.Add(new RoomEvent(RoomEventTypes.LightsUpResent, $"Lights up pressed again (on since {active.Since:HH:mm:ss}): sent to every device once more", actor, now)
            {
                Before = Lights.Desired,
                After = Lights.Desired,
                TransitionMs = 0,
                Phase = ActiveSession?.Phase.Name,
            });
            return again;
        }

        var before = Lights.Desired;
        LightsUp = new LightsUpState(now, actor, before);
        Lights.LightsOn = true;
        Lights.Brightness = Ramp.Steady(LightsUpBrightness, now);
        Lights.ColorTempK = Ramp.Steady(LightsUpColorTempK, now);
        Lights.MaskOn = false;
        Lights.MaskLight = Ramp.Steady(Lights.MaskLight.ValueAt(now), now);
        var change = new RoomChange { LightsChanged = true, MaskChanged = true, MusicChanged = true, StateChanged = true, IsSafetyAction = true };
        if (ActiveSession is { IsHeld: false } session)
        {
            session.HeldSince = now;
            session.HeldByLightsUp = true;
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.LightsUp, "LIGHTS UP: full neutral light, mask light off, clock held", actor, now)
        {
            Before = before,
            After = Lights.Desired,
            TransitionMs = 0,
            Phase = ActiveSession?.Phase.Name,
        });
        return change;
    }

    /// <summary>Back to what the program says now (or to the light before Lights up), with a short fade.</summary>
    public RoomChange LightsUpResume(string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (LightsUp is not { } lightsUp)
        {
            return RoomChange.Refuse("lightsUp", "Lights up is not on.");
        }

        LightsUp = null;
        var before = Lights.Desired;
        var change = new RoomChange { LightsChanged = true, MaskChanged = true, MusicChanged = true, StateChanged = true };

        // Start from the light as it was before Lights up, then let the phase scene (if any) decide.
        var restored = lightsUp.Before;
        Lights.LightsOn = restored.Lighting.On;
        Lights.Brightness = StartRamp(Lights.Brightness, Math.Min(restored.Lighting.Brightness, MaxBrightness), now, ReturnFadeMs, actual.Brightness);
        Lights.ColorTempK = StartRamp(Lights.ColorTempK, restored.Lighting.ColorTempK, now, ReturnFadeMs, actual.ColorTempK);
        Lights.MaskOn = restored.Mask.On;
        Lights.MaskLight = StartRamp(Lights.MaskLight, restored.Mask.Light, now, ReturnFadeMs, actual.MaskLight);
        if (ActiveSession is { } session)
        {
            session.Overrides.Clear();
            ApplyScene(session.Phase.Scene, now, now, ReturnFadeMs, actual, change);
            if (session.HeldByLightsUp && session.IsHeld)
            {
                PhaseClock.Resume(session, now);
            }
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.LightsUpResumed, "Lights up ended: room returns to the program", actor, now)
        {
            Before = before,
            After = Lights.Desired,
            TransitionMs = ReturnFadeMs,
            Phase = ActiveSession?.Phase.Name,
        });
        return change;
    }

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
            EnterPhase(session.PhaseIndex + 1, endedAt, now, actual, change);
        }

        ReminderBook.FallDue(session, now, change);
        return change;
    }

    /// <summary>Reminders that are due or acknowledged (not done), most urgent first.</summary>
    public IEnumerable<ReminderInstance> OpenReminders => ReminderBook.Open(ActiveSession);

    // ---- internals ------------------------------------------------------------------------------

    private void EnterPhase(int index, DateTimeOffset start, DateTimeOffset now, ActualLevels actual, RoomChange change)
    {
        var session = Session!;
        if (session.Visits.Count > 0 && session.Visits[^1].EndedAt is null)
        {
            session.Visits[^1] = session.Visits[^1] with { EndedAt = start };
        }

        session.Visits.Add(new PhaseVisit(session.Protocol.Phases[index].Id, start, null));
        session.PhaseIndex = index;
        session.PhaseStartedAt = start;
        session.PhaseExtensionMs = 0;
        session.HeldInPhaseMs = 0;
        if (session.IsHeld)
        {
            session.HeldSince = start;
        }

        session.Overrides.Clear();
        var phase = session.Phase;
        change.Events.Add(new RoomEvent(RoomEventTypes.PhaseStarted, $"Phase '{phase.Name}'", Actors.Program, start) { Phase = phase.Name });
        ReminderBook.ScheduleFor(session, phase, start);
        if (LightsUp is null)
        {
            var before = Lights.Desired;
            ApplyScene(phase.Scene, start, now, phase.FadeSeconds * 1000L, actual, change);
            if (change.LightsChanged || change.MaskChanged)
            {
                change.Events.Add(new RoomEvent(RoomEventTypes.SceneApplied, $"Scene of '{phase.Name}' over {phase.FadeSeconds} s", Actors.Program, start)
                {
                    Before = before,
                    After = Lights.Desired,
                    TransitionMs = phase.FadeSeconds * 1000,
                    Phase = phase.Name,
                });
            }
        }

        ReminderBook.FallDue(session, now, change);
    }

    /// <summary>Starts ramps toward a scene (<see cref="SceneApplication"/>), within the room's brightness limit and its overrides.</summary>
    private void ApplyScene(Scene scene, DateTimeOffset start, DateTimeOffset now, long fadeMs, ActualLevels actual, RoomChange change, ProgramAttribute? only = null) =>
        Music = SceneApplication.Apply(scene, Lights, Music, MaxBrightness, Session?.Overrides ?? [], start, now, fadeMs, actual, change, only);

    private static Ramp StartRamp(Ramp current, double to, DateTimeOffset now, long durationMs, double? actualLevel) =>
        durationMs <= 0 ? Ramp.Steady(to, now) : new Ramp(actualLevel ?? current.ValueAt(now), to, now, durationMs);

    /// <summary>A therapist's change to an attribute beats the program for that attribute until the next phase.</summary>
    private void TakeOver(ProgramAttribute attribute, string actor)
    {
        if (ActiveSession is { } session && actor != Actors.Program && !session.Overrides.Contains(attribute))
        {
            session.Overrides.Add(attribute);
        }
    }

    private static RoomChange NoSession() => RoomChange.Refuse("session", "No session is running in this room; start one first.");
}
