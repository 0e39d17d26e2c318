namespace SettingControl.Domain.Sessions;

/// <summary>Who or what changed the room: recorded with every change.</summary>
public static class Actors
{
    public const string Program = "program:phase-clock";
    public const string Safety = "safety:lights-up";
}

/// <summary>
/// One entry of a session's record: what happened, who did it, when, and the desired state before
/// and after. The room grain adds what the devices actually showed at that moment.
/// </summary>
public sealed record RoomEvent(string Type, string Summary, string Actor, DateTimeOffset At)
{
    public DesiredRoomState? Before { get; init; }

    public DesiredRoomState? After { get; init; }

    public int? TransitionMs { get; init; }

    public string? Phase { get; init; }

    public string? Note { get; init; }

    public string? ReminderId { get; init; }

    public string? Priority { get; init; }

    /// <summary>A monitoring reading, and the parts of it outside the ranges staff set.</summary>
    public VitalReading? Reading { get; init; }

    public IReadOnlyList<string>? OutsideRange { get; init; }
}

/// <summary>What the room's lights and mask actually show now (averaged over online devices), if known.</summary>
public sealed record ActualLevels(double? Brightness, double? ColorTempK, double? MaskLight)
{
    public static ActualLevels Unknown { get; } = new(null, null, null);
}

/// <summary>The result of one operation on a room: what happened, or why nothing did.</summary>
public sealed class RoomChange
{
    public List<RoomEvent> Events { get; } = [];

    public bool LightsChanged { get; set; }

    public bool MaskChanged { get; set; }

    /// <summary>The desired music changed (or ducking did, with Lights up).</summary>
    public bool MusicChanged { get; set; }

    /// <summary>Skip this many tracks (+1 next, −1 previous); 0 for none.</summary>
    public int MusicSkip { get; set; }

    public bool StateChanged { get; set; }

    /// <summary>
    /// A safety action (Lights up): the devices get it before storage does, and a failed write keeps it in the
    /// room rather than undoing it. Everything else is stored first and undone when storage refuses it.
    /// </summary>
    public bool IsSafetyAction { get; init; }

    /// <summary>Why the operation was refused, one entry per offending field; empty when it was accepted.</summary>
    public IReadOnlyList<ValidationError> Errors { get; private set; } = [];

    public bool Refused => Errors.Count > 0;

    public static RoomChange Refuse(string field, string message) => Refuse([new ValidationError(field, message)]);

    public static RoomChange Refuse(IReadOnlyList<ValidationError> errors) => new() { Errors = errors };
}
