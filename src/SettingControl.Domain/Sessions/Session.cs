namespace SettingControl.Domain.Sessions;

public enum ClockState
{
    /// <summary>Before T0 in a phase that waits for the dose.</summary>
    WaitingForDose,
    Running,
    Held,

    /// <summary>The phase has no duration: it lasts until the therapist moves on.</summary>
    Untimed,

    /// <summary>The last timed phase has run out; the room stays in it.</summary>
    Complete,
    Ended,
}

/// <summary>
/// A session in a room: the protocol it follows (a copy, so later edits to the protocol do not change
/// a running session) and the clock, as timestamps. Everything shown — the phase, its remaining time,
/// a fade's position — is computed from these, so a restart lands in exactly the right place.
/// </summary>
public sealed class Session
{
    /// <summary>A session starting now, in the protocol's first phase (the room enters it and applies its scene).</summary>
    public Session(string sessionId, Protocol protocol, string label, DateTimeOffset startedAt)
    {
        SessionId = sessionId;
        Protocol = protocol;
        Label = label;
        StartedAt = startedAt;
        PhaseStartedAt = startedAt;
    }

    /// <summary>For storage, which sets every property from the stored row.</summary>
    private Session()
    {
    }

    public string SessionId { get; internal set; } = string.Empty;

    public Protocol Protocol { get; internal set; } = null!;

    public string Label { get; internal set; } = string.Empty;

    public DateTimeOffset StartedAt { get; internal set; }

    /// <summary>T0, "dose given".</summary>
    public DateTimeOffset? DoseAt { get; internal set; }

    public DateTimeOffset? EndedAt { get; internal set; }

    public int PhaseIndex { get; internal set; }

    public DateTimeOffset PhaseStartedAt { get; internal set; }

    public long PhaseExtensionMs { get; internal set; }

    public DateTimeOffset? HeldSince { get; internal set; }

    public long HeldInPhaseMs { get; internal set; }

    /// <summary>The clock was held by Lights up (and is resumed with it).</summary>
    public bool HeldByLightsUp { get; internal set; }

    /// <summary>Attributes the therapist has taken over from the program until the next phase.</summary>
    public List<ProgramAttribute> Overrides { get; internal set; } = [];

    public List<ReminderInstance> Reminders { get; internal set; } = [];

    /// <summary>When each phase was entered and left, in order (a phase jumped back to appears twice).</summary>
    public List<PhaseVisit> Visits { get; internal set; } = [];

    public int ReminderSequence { get; internal set; }

    public bool IsActive => EndedAt is null;

    public PhaseDefinition Phase => Protocol.Phases[PhaseIndex];

    public bool IsHeld => HeldSince is not null;

    /// <summary>Time the phase clock has run (wall time in the phase minus time held).</summary>
    public TimeSpan PhaseElapsed(DateTimeOffset now)
    {
        var end = EndedAt ?? now;
        var held = HeldInPhaseMs + (HeldSince is { } since ? (long)(end - since).TotalMilliseconds : 0);
        return TimeSpan.FromMilliseconds(Math.Max(0, (end - PhaseStartedAt).TotalMilliseconds - held));
    }

    /// <summary>The phase's length including extensions; null for a phase without a duration.</summary>
    public TimeSpan? PhaseLength =>
        Phase.DurationMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) + TimeSpan.FromMilliseconds(PhaseExtensionMs) : null;

    public TimeSpan? PhaseRemaining(DateTimeOffset now) =>
        PhaseLength is { } length ? (length - PhaseElapsed(now) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero) : null;

    public ClockState ClockAt(DateTimeOffset now)
    {
        if (!IsActive)
        {
            return ClockState.Ended;
        }

        if (IsHeld)
        {
            return ClockState.Held;
        }

        if (Phase.DurationMinutes is null)
        {
            var dose = Protocol.DosePhaseIndex;
            return DoseAt is null && dose is { } d && PhaseIndex < d ? ClockState.WaitingForDose : ClockState.Untimed;
        }

        return PhaseRemaining(now) == TimeSpan.Zero && !CanAdvanceAutomatically ? ClockState.Complete : ClockState.Running;
    }

    /// <summary>
    /// The timeline: past phases as they ran, the current one, and later ones projected from the
    /// current phase's end when it is timed (a phase waiting for T0 or the therapist ends the projection).
    /// </summary>
    public IReadOnlyList<PlannedPhase> Plan(DateTimeOffset now)
    {
        var plan = new List<PlannedPhase>(Protocol.Phases.Count);
        DateTimeOffset? cursor = null;
        if (IsActive && PhaseRemaining(now) is { } left)
        {
            cursor = now + left;
        }
        else if (!IsActive)
        {
            cursor = null;
        }

        for (var i = 0; i < Protocol.Phases.Count; i++)
        {
            var phase = Protocol.Phases[i];
            if (i == PhaseIndex)
            {
                plan.Add(new PlannedPhase(phase, PhaseStartedAt, EndedAt ?? cursor));
                continue;
            }

            var visit = Visits.LastOrDefault(v => v.PhaseId == phase.Id && v.EndedAt is not null);
            if (i < PhaseIndex || (visit is not null && i > PhaseIndex && cursor is null))
            {
                plan.Add(new PlannedPhase(phase, visit?.StartedAt, visit?.EndedAt));
                continue;
            }

            if (i > PhaseIndex && cursor is { } start && !(phase.StartsAtDose && DoseAt is null) && IsActive)
            {
                DateTimeOffset? end = phase.DurationMinutes is { } minutes ? start + TimeSpan.FromMinutes(minutes) : null;
                plan.Add(new PlannedPhase(phase, start, end));
                cursor = end;
                continue;
            }

            plan.Add(new PlannedPhase(phase, null, null));
            cursor = null;
        }

        return plan;
    }

    /// <summary>True when time alone would change something now: a phase ran out, a reminder fell due or must re-alert.</summary>
    public bool HasDueWork(DateTimeOffset now)
    {
        if (!IsActive)
        {
            return false;
        }

        if (!IsHeld && PhaseRemaining(now) == TimeSpan.Zero && CanAdvanceAutomatically)
        {
            return true;
        }

        foreach (var reminder in Reminders)
        {
            if (reminder.State == ReminderState.Scheduled && reminder.DueAt <= now)
            {
                return true;
            }

            if (reminder.State == ReminderState.Due && reminder.AlertedAt is { } alerted && now - alerted >= TimeSpan.FromMinutes(reminder.RealertAfterMinutes))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A timed phase moves on by itself unless it is the last, or the next one waits for T0.</summary>
    public bool CanAdvanceAutomatically =>
        PhaseIndex + 1 < Protocol.Phases.Count && !(Protocol.Phases[PhaseIndex + 1].StartsAtDose && DoseAt is null);
}

public sealed record PhaseVisit(string PhaseId, DateTimeOffset StartedAt, DateTimeOffset? EndedAt);

/// <summary>A phase on the session's timeline: when it ran or is expected to run.</summary>
public sealed record PlannedPhase(PhaseDefinition Phase, DateTimeOffset? StartedAt, DateTimeOffset? EndsAt);

/// <summary>The parts of the room a therapist can take over from the phase program, one by one.</summary>
public enum ProgramAttribute
{
    LightsOn,
    Brightness,
    ColorTempK,
    MaskOn,
    MaskLight,
    MusicPlaylist,
    MusicPlaying,
    MusicVolume,
}

public enum ReminderState
{
    Scheduled,
    Due,
    Acknowledged,
    Done,
}

/// <summary>One reminder, nurse-call style: scheduled → due (alerting) → acknowledged → done.</summary>
public sealed class ReminderInstance
{
    public string Id { get; internal set; } = string.Empty;

    public string Title { get; internal set; } = string.Empty;

    public ReminderPriority Priority { get; internal set; }

    public DateTimeOffset DueAt { get; internal set; }

    public ReminderState State { get; internal set; }

    /// <summary><c>protocol</c> or <c>therapist</c>.</summary>
    public string Source { get; internal set; } = "protocol";

    public double? EveryMinutes { get; internal set; }

    public DateTimeOffset? RepeatUntil { get; internal set; }

    public int RealertAfterMinutes { get; internal set; } = 5;

    public DateTimeOffset? AlertedAt { get; internal set; }

    public int RealertCount { get; internal set; }

    public DateTimeOffset? AcknowledgedAt { get; internal set; }

    public string? AcknowledgedBy { get; internal set; }

    public DateTimeOffset? DoneAt { get; internal set; }

    public string? DoneBy { get; internal set; }

    /// <summary>The reading a monitoring reminder is completed with; null for other reminders.</summary>
    public ReadingKind? Reading { get; internal set; }

    /// <summary>The reading it was completed with, and which parts were outside the ranges staff set.</summary>
    public VitalReading? Value { get; internal set; }

    public IReadOnlyList<string>? ValueOutside { get; internal set; }

    /// <summary>What it was before Done (scheduled, due or acknowledged): what an undo of Done puts back.</summary>
    public ReminderState? StateBeforeDone { get; internal set; }

    public bool IsOpen => State is ReminderState.Due or ReminderState.Acknowledged;
}

/// <summary>Lights up: the safety override and what the room was doing before it.</summary>
public sealed class LightsUpState
{
    public LightsUpState(DateTimeOffset since, string by, DesiredRoomState before)
    {
        Since = since;
        By = by;
        Before = before;
    }

    /// <summary>For storage, which sets every property from the stored row.</summary>
    private LightsUpState()
    {
    }

    public DateTimeOffset Since { get; internal set; }

    public string By { get; internal set; } = string.Empty;

    /// <summary>The targets before Lights up, restored on resume when no session is running.</summary>
    public DesiredRoomState Before { get; internal set; } = DesiredRoomState.Default;
}
