namespace SettingControl.Domain.Sessions;

/// <summary>
/// How a session moves through its protocol: it begins, T0 is marked, the therapist jumps to a phase or hands an
/// attribute back, and each phase is entered with its scene (within the room's limit and overrides, never during
/// Lights up) and its reminders. The room calls these with itself; they change only the room's lights, music and
/// session, through the room's own scene application.
/// </summary>
internal static class SessionSteps
{
    /// <summary>A new session in the protocol's first phase, or null when the label is empty or too long.</summary>
    public static Session? Begin(Protocol protocol, string? label, string sessionId, DateTimeOffset now)
    {
        label = label?.Trim() ?? string.Empty;
        return label.Length is 0 or > 100 ? null : new Session(sessionId, protocol, label, now);
    }

    public static RoomChange MarkDose(TreatmentRoom room, Session session, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (session.DoseAt is { } dose)
        {
            return RoomChange.Refuse("t0", $"T0 was already marked at {dose:HH:mm:ss}.");
        }

        session.DoseAt = now;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.DoseMarked, "T0: dose given", actor, now) { Phase = session.Phase.Name });
        if (session.Protocol.DosePhaseIndex is { } dosePhase && dosePhase > session.PhaseIndex)
        {
            EnterPhase(room, dosePhase, now, now, actual, change);
        }

        return change;
    }

    public static RoomChange JumpTo(TreatmentRoom room, Session session, string? phaseId, string actor, DateTimeOffset now, ActualLevels actual)
    {
        var index = session.Protocol.IndexOf(phaseId ?? string.Empty);
        if (index < 0)
        {
            return RoomChange.Refuse("phase", $"Protocol '{session.Protocol.Name}' has no phase '{phaseId}'.");
        }

        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.PhaseJumped, $"Jumped to phase '{session.Protocol.Phases[index].Name}'", actor, now) { Phase = session.Phase.Name });
        EnterPhase(room, index, now, now, actual, change);
        return change;
    }

    public static RoomChange ReleaseOverride(TreatmentRoom room, Session session, ProgramAttribute attribute, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (!session.Overrides.Remove(attribute))
        {
            return RoomChange.Refuse("attribute", $"'{ProgramAttributeNames.Wire(attribute)}' is not overridden; the program already controls it.");
        }

        var change = new RoomChange { StateChanged = true };
        var before = room.Lights.Desired;
        if (room.LightsUp is null)
        {
            room.ApplyScene(session.Phase.Scene, now, now, TreatmentRoom.ReturnFadeMs, actual, change, only: attribute);
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.OverrideReleased, $"{ProgramAttributeNames.Wire(attribute)} handed back to the program", actor, now)
        {
            Before = before,
            After = room.Lights.Desired,
            TransitionMs = TreatmentRoom.ReturnFadeMs,
            Phase = session.Phase.Name,
        });
        return change;
    }

    /// <summary>
    /// Enters phase <paramref name="index"/> as of <paramref name="start"/> (the moment the previous one ran out, which
    /// after a restart lies in the past): the visit is recorded, overrides end, reminders are scheduled and the scene
    /// fades in from <paramref name="start"/>, so the room lands where it would have been.
    /// </summary>
    public static void EnterPhase(TreatmentRoom room, int index, DateTimeOffset start, DateTimeOffset now, ActualLevels actual, RoomChange change)
    {
        var session = room.Session!;
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
        if (room.LightsUp is null)
        {
            var before = room.Lights.Desired;
            room.ApplyScene(phase.Scene, start, now, phase.FadeSeconds * 1000L, actual, change);
            if (change.LightsChanged || change.MaskChanged)
            {
                change.Events.Add(new RoomEvent(RoomEventTypes.SceneApplied, $"Scene of '{phase.Name}' over {phase.FadeSeconds} s", Actors.Program, start)
                {
                    Before = before,
                    After = room.Lights.Desired,
                    TransitionMs = phase.FadeSeconds * 1000,
                    Phase = phase.Name,
                });
            }
        }

        ReminderBook.FallDue(session, now, change);
    }
}
