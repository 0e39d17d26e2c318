namespace SettingControl.Domain.Sessions;

/// <summary>
/// A session protocol is data: a named sequence of phases, each with a duration (or none: it waits
/// for the therapist), the scene the room moves to, the fade into it and the reminders it raises.
/// </summary>
public sealed record Protocol(
    string Id,
    string Name,
    string? Description,
    IReadOnlyList<PhaseDefinition> Phases,
    ReferenceRanges? ReferenceRanges = null)
{
    /// <summary>The first phase that begins when T0 ("dose given") is marked, if any.</summary>
    public int? DosePhaseIndex
    {
        get
        {
            for (var i = 0; i < Phases.Count; i++)
            {
                if (Phases[i].StartsAtDose)
                {
                    return i;
                }
            }

            return null;
        }
    }

    public int IndexOf(string phaseId)
    {
        for (var i = 0; i < Phases.Count; i++)
        {
            if (Phases[i].Id == phaseId)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <param name="DurationMinutes">How long the phase lasts; null means until the therapist moves on (or marks T0).</param>
/// <param name="FadeSeconds">How long the room takes to reach the phase's scene.</param>
/// <param name="StartsAtDose">This phase begins when T0 is marked.</param>
public sealed record PhaseDefinition(
    string Id,
    string Name,
    double? DurationMinutes,
    int FadeSeconds,
    Scene Scene,
    bool StartsAtDose = false,
    IReadOnlyList<ReminderDefinition>? Reminders = null);

/// <summary>What a phase sets. A part left null is left as it is.</summary>
public sealed record Scene(LightingSetting? Lighting, MaskSetting? Mask, MusicSetting? Music = null);

public enum ReminderPriority
{
    Low,
    Medium,
    High,
}

/// <summary>Where a reminder's time is counted from.</summary>
public enum ReminderAnchor
{
    /// <summary>From the start of the phase that raises it.</summary>
    Phase,

    /// <summary>From T0, "dose given" (e.g. blood pressure at T+40).</summary>
    Dose,
}

/// <param name="AtMinutes">When it is first due, counted from <paramref name="From"/>.</param>
/// <param name="EveryMinutes">Repeats this often after that (e.g. vitals every 15 min).</param>
/// <param name="UntilMinutes">No repeat is due later than this (same anchor).</param>
/// <param name="RealertAfterMinutes">A due reminder not acknowledged within this time alerts again.</param>
/// <param name="Reading">A monitoring reminder: it is completed with this reading (blood pressure, pulse, SpO₂).</param>
public sealed record ReminderDefinition(
    string Id,
    string Title,
    ReminderPriority Priority,
    double AtMinutes,
    ReminderAnchor From = ReminderAnchor.Phase,
    double? EveryMinutes = null,
    double? UntilMinutes = null,
    int RealertAfterMinutes = 5,
    ReadingKind? Reading = null);
