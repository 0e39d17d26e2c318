namespace SettingControl.Domain.Sessions;

/// <summary>
/// The mechanics of a session's phase clock that need no scene: holding and resuming it, extending a phase, and
/// ending the session. Held time is counted per phase (<see cref="Session.HeldInPhaseMs"/>) so a phase keeps its
/// full length; the room moves between phases itself because that applies the next phase's scene.
/// </summary>
public static class PhaseClock
{
    public static RoomChange Hold(Session session, string actor, DateTimeOffset now)
    {
        if (session.IsHeld)
        {
            return RoomChange.Refuse("clock", "The clock is already held.");
        }

        session.HeldSince = now;
        session.HeldByLightsUp = false;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.ClockHeld, "Phase clock held", actor, now) { Phase = session.Phase.Name });
        return change;
    }

    public static RoomChange ResumeByHand(Session session, string actor, DateTimeOffset now)
    {
        if (!session.IsHeld)
        {
            return RoomChange.Refuse("clock", "The clock is not held.");
        }

        Resume(session, now);
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.ClockResumed, "Phase clock resumed", actor, now) { Phase = session.Phase.Name });
        return change;
    }

    public static RoomChange Extend(Session session, int minutes, string actor, DateTimeOffset now)
    {
        if (minutes is < 1 or > 240)
        {
            return RoomChange.Refuse("minutes", $"'minutes' must be between 1 and 240; got {minutes}.");
        }

        if (session.Phase.DurationMinutes is null)
        {
            return RoomChange.Refuse("minutes", $"Phase '{session.Phase.Name}' has no set length; it lasts until you move on.");
        }

        session.PhaseExtensionMs += minutes * 60_000L;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.PhaseExtended, $"Phase '{session.Phase.Name}' extended by {minutes} min", actor, now) { Phase = session.Phase.Name });
        return change;
    }

    public static RoomChange End(Session session, string actor, DateTimeOffset now)
    {
        if (session.IsHeld)
        {
            Resume(session, now);
        }

        session.EndedAt = now;
        if (session.Visits.Count > 0 && session.Visits[^1].EndedAt is null)
        {
            session.Visits[^1] = session.Visits[^1] with { EndedAt = now };
        }

        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.SessionEnded, $"Session '{session.Label}' ended", actor, now) { Phase = session.Phase.Name });
        return change;
    }

    /// <summary>Lets the clock run again, counting the time it was held so the phase keeps its full length.</summary>
    public static void Resume(Session session, DateTimeOffset now)
    {
        if (session.HeldSince is { } since)
        {
            session.HeldInPhaseMs += (long)(now - since).TotalMilliseconds;
        }

        session.HeldSince = null;
        session.HeldByLightsUp = false;
    }
}
