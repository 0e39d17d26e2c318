namespace SettingControl.Contracts;

/// <summary>
/// A monitoring reading (mmHg, beats a minute, percent; any part may be absent) and, in answers, the parts outside the
/// ranges staff set ("systolic", "diastolic", "pulse", "spo2").
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.Reading")]
public sealed record ReadingDto(
    [property: Id(0)] int? Systolic = null,
    [property: Id(1)] int? Diastolic = null,
    [property: Id(2)] int? Pulse = null,
    [property: Id(3)] int? Spo2 = null,
    [property: Id(4)] IReadOnlyList<string>? OutsideRange = null);

/// <summary>
/// A reminder as dashboards show it. Priority "high"|"medium"|"low"; state "scheduled"|"due"|"acknowledged"|"done";
/// reading, for a monitoring reminder, "bloodPressure"|"pulse"|"spo2"|"vitals", and value the reading it was done with.
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.Reminder")]
public sealed record ReminderDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Priority,
    [property: Id(3)] DateTimeOffset DueAt,
    [property: Id(4)] string State,
    [property: Id(5)] string Source,
    [property: Id(6)] int RealertCount,
    [property: Id(7)] DateTimeOffset? AlertedAt,
    [property: Id(8)] string? AcknowledgedBy,
    [property: Id(9)] string? Reading = null,
    [property: Id(10)] ReadingDto? Value = null);

/// <summary>
/// One phase of the session's protocol, with its planned start and end when they can be known, and the brightness its
/// scene asks for (0 for lights off, null when the scene leaves the lights alone), so a tablet can say what going
/// there will do before it is asked to.
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.PhasePlan")]
public sealed record PhasePlanDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] double? DurationMinutes,
    [property: Id(3)] int FadeSeconds,
    [property: Id(4)] bool StartsAtDose,
    [property: Id(5)] DateTimeOffset? StartedAt,
    [property: Id(6)] DateTimeOffset? EndsAt,
    [property: Id(7)] int? SceneBrightness = null);

/// <summary>
/// The running (or last) session of a room. Clock is "waitingForDose"|"running"|"held"|"untimed"|"complete"|"ended".
/// Overrides lists what the therapist has taken over: "lightsOn"|"brightness"|"colorTempK"|"maskOn"|"maskLight".
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.Session")]
public sealed record SessionDto(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ProtocolId,
    [property: Id(2)] string ProtocolName,
    [property: Id(3)] string Label,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset? DoseAt,
    [property: Id(6)] DateTimeOffset? EndedAt,
    [property: Id(7)] int PhaseIndex,
    [property: Id(8)] string PhaseId,
    [property: Id(9)] string PhaseName,
    [property: Id(10)] string Clock,
    [property: Id(11)] double PhaseElapsedSeconds,
    [property: Id(12)] double? PhaseRemainingSeconds,
    [property: Id(13)] IReadOnlyList<PhasePlanDto> Phases,
    [property: Id(14)] IReadOnlyList<string> Overrides,
    [property: Id(15)] IReadOnlyList<ReminderDto> Reminders,
    [property: Id(16)] FadeDto? Fade);

/// <summary>A fade in progress: when it started, how long it takes and how far it has got (0–1).</summary>
[GenerateSerializer, Immutable, Alias("sc.Fade")]
public sealed record FadeDto([property: Id(0)] DateTimeOffset StartedAt, [property: Id(1)] long DurationMs, [property: Id(2)] double Progress);

[GenerateSerializer, Immutable, Alias("sc.LightsUp")]
public sealed record LightsUpDto([property: Id(0)] bool Active, [property: Id(1)] DateTimeOffset? Since, [property: Id(2)] string? By);

[GenerateSerializer, Immutable, Alias("sc.StartSession")]
public sealed record StartSessionRequest([property: Id(0)] string? ProtocolId = null, [property: Id(1)] string? Label = null);

[GenerateSerializer, Immutable, Alias("sc.AddReminder")]
public sealed record AddReminderRequest(
    [property: Id(0)] string? Title = null,
    [property: Id(1)] string? Priority = null,
    [property: Id(2)] int? DueInMinutes = null,
    [property: Id(3)] int? RealertAfterMinutes = null);

/// <summary>A session-clock or session-record action on a room.</summary>
public enum SessionAction
{
    MarkDose,
    Hold,
    Resume,
    End,
    LightsUp,
    LightsUpResume,
}

/// <summary>One entry of a session record (see docs/api.md).</summary>
[GenerateSerializer, Immutable, Alias("sc.SessionEvent")]
public sealed record SessionEventDto(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Type,
    [property: Id(3)] string Actor,
    [property: Id(4)] string Summary,
    [property: Id(5)] string? Phase,
    [property: Id(6)] DesiredStateDto? Before,
    [property: Id(7)] DesiredStateDto? After,
    [property: Id(8)] int? TransitionMs,
    [property: Id(9)] string? Note,
    [property: Id(10)] string? ReminderId,
    [property: Id(11)] string? Priority,
    [property: Id(12)] IReadOnlyList<DeviceActualDto>? Actual,
    [property: Id(13)] ReadingDto? Reading = null);

/// <summary>What one device showed when an event was recorded.</summary>
[GenerateSerializer, Immutable, Alias("sc.DeviceActual")]
public sealed record DeviceActualDto(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Availability,
    [property: Id(2)] ActualStateDto? Actual);

/// <summary>A whole session record: the session's identity and every event, in order.</summary>
[GenerateSerializer, Immutable, Alias("sc.SessionRecord")]
public sealed record SessionRecordDto(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string RoomId,
    [property: Id(2)] string ProtocolId,
    [property: Id(3)] string ProtocolName,
    [property: Id(4)] string Label,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset? EndedAt,
    [property: Id(7)] IReadOnlyList<PhasePlanDto> Phases,
    [property: Id(8)] IReadOnlyList<SessionEventDto> Events);

[GenerateSerializer, Immutable, Alias("sc.ProtocolSummary")]
public sealed record ProtocolSummaryDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] bool BuiltIn,
    [property: Id(4)] IReadOnlyList<PhasePlanDto> Phases);
