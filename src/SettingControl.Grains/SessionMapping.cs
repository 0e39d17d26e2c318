using SettingControl.Contracts;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;

namespace SettingControl.Grains;

/// <summary>Session domain values as the DTOs dashboards, the API and the record use.</summary>
internal static class SessionMapping
{
    public static string Wire(this ReminderPriority priority) => priority.ToString().ToLowerInvariant();

    public static string Wire(this ReminderState state) => state.ToString().ToLowerInvariant();

    public static string Wire(this ClockState clock) => clock switch
    {
        ClockState.WaitingForDose => "waitingForDose",
        _ => clock.ToString().ToLowerInvariant(),
    };

    public static bool TryParsePriority(string? text, out ReminderPriority priority)
    {
        switch (text?.ToLowerInvariant())
        {
            case "high": priority = ReminderPriority.High; return true;
            case "medium" or null or "": priority = ReminderPriority.Medium; return true;
            case "low": priority = ReminderPriority.Low; return true;
            default: priority = default; return false;
        }
    }

    public static ReminderDto ToDto(this ReminderInstance r) =>
        new(r.Id, r.Title, r.Priority.Wire(), r.DueAt, r.State.Wire(), r.Source, r.RealertCount, r.AlertedAt, r.AcknowledgedBy,
            r.Reading?.Wire(), r.Value?.ToDto(r.ValueOutside));

    /// <summary>"bloodPressure", "pulse", "spo2", "vitals": the protocol file's words.</summary>
    public static string Wire(this ReadingKind kind) => kind switch
    {
        ReadingKind.BloodPressure => "bloodPressure",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static ReadingDto ToDto(this VitalReading reading, IReadOnlyList<string>? outside) =>
        new(reading.Systolic, reading.Diastolic, reading.Pulse, reading.Spo2, outside ?? []);

    public static VitalReading ToDomain(this ReadingDto reading) => new(reading.Systolic, reading.Diastolic, reading.Pulse, reading.Spo2);

    public static IReadOnlyList<PhasePlanDto> PlanDto(this Session session, DateTimeOffset now) =>
        session.Plan(now).Select(p => new PhasePlanDto(p.Phase.Id, p.Phase.Name, p.Phase.DurationMinutes, p.Phase.FadeSeconds, p.Phase.StartsAtDose, p.StartedAt, p.EndsAt, SceneBrightness(p.Phase))).ToArray();

    public static IReadOnlyList<PhasePlanDto> PlanDto(this Protocol protocol) =>
        protocol.Phases.Select(p => new PhasePlanDto(p.Id, p.Name, p.DurationMinutes, p.FadeSeconds, p.StartsAtDose, null, null, SceneBrightness(p))).ToArray();

    private static int? SceneBrightness(PhaseDefinition phase) =>
        phase.Scene.Lighting is { } lighting ? (lighting.On ? lighting.Brightness : 0) : null;

    public static SessionDto ToDto(this Session session, TreatmentRoom room, DateTimeOffset now)
    {
        var order = session.Reminders
            .OrderBy(r => r.State switch { ReminderState.Due => 0, ReminderState.Acknowledged => 1, ReminderState.Scheduled => 2, _ => 3 })
            .ThenByDescending(r => r.Priority)
            .ThenBy(r => r.DueAt);
        FadeDto? fade = null;
        var lights = room.Lights;
        var moving = new[] { lights.Brightness, lights.ColorTempK, lights.MaskLight }.Where(r => r.IsMovingAt(now)).OrderByDescending(r => r.End).FirstOrDefault();
        if (moving is not null)
        {
            fade = new FadeDto(moving.Start, moving.DurationMs, moving.ProgressAt(now));
        }

        return new SessionDto(
            session.SessionId,
            session.Protocol.Id,
            session.Protocol.Name,
            session.Label,
            session.StartedAt,
            session.DoseAt,
            session.EndedAt,
            session.PhaseIndex,
            session.Phase.Id,
            session.Phase.Name,
            session.ClockAt(now).Wire(),
            session.PhaseElapsed(now).TotalSeconds,
            session.PhaseRemaining(now)?.TotalSeconds,
            session.PlanDto(now),
            session.Overrides.Select(ProgramAttributeNames.Wire).ToArray(),
            order.Select(r => r.ToDto()).ToArray(),
            fade);
    }

    public static SessionEventDto ToDto(this RoomEvent e, long sequence, IReadOnlyList<DeviceActualDto> actual) => new(
        sequence,
        e.At,
        e.Type,
        e.Actor,
        e.Summary,
        e.Phase,
        e.Before?.ToDto(),
        e.After?.ToDto(),
        e.TransitionMs,
        e.Note,
        e.ReminderId,
        e.Priority,
        actual,
        e.Reading?.ToDto(e.OutsideRange));
}
