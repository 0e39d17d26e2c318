namespace SettingControl.Domain.Sessions;

/// <summary>
/// What a monitoring reminder asks for when it is completed: blood pressure (systolic/diastolic, pulse if taken),
/// a pulse, an SpO₂, or all of them ("vitals").
/// </summary>
public enum ReadingKind
{
    BloodPressure,
    Pulse,
    Spo2,
    Vitals,
}

/// <summary>A reading as the therapist took it from the monitor: mmHg, beats a minute, percent. Any part may be absent.</summary>
public sealed record VitalReading(int? Systolic, int? Diastolic, int? Pulse, int? Spo2);

/// <summary>A reference range staff set; either end may be open.</summary>
public sealed record ReferenceRange(int? Min, int? Max)
{
    public bool Holds(int value) => (Min is not { } min || value >= min) && (Max is not { } max || value <= max);

    public override string ToString() => (Min, Max) switch
    {
        ({ } min, { } max) => $"{min}–{max}",
        ({ } min, null) => $"at least {min}",
        (null, { } max) => $"at most {max}",
        _ => "any",
    };
}

/// <summary>
/// The ranges staff set for a protocol. A reading outside them is pointed out for information in the record and on
/// the tablet; it is never an alarm (the monitor's own alarms stay the clinical alarm).
/// </summary>
public sealed record ReferenceRanges(ReferenceRange? Systolic = null, ReferenceRange? Diastolic = null, ReferenceRange? Pulse = null, ReferenceRange? Spo2 = null);

/// <summary>Checking, comparing and wording readings.</summary>
public static class Readings
{
    /// <summary>What a monitor can show at all; outside this a number is a typing slip, refused with a plain reason.</summary>
    public static readonly ReferenceRange PlausibleSystolic = new(40, 300);
    public static readonly ReferenceRange PlausibleDiastolic = new(20, 200);
    public static readonly ReferenceRange PlausiblePulse = new(20, 250);
    public static readonly ReferenceRange PlausibleSpo2 = new(50, 100);

    public static List<ValidationError> Validate(ReadingKind kind, VitalReading reading)
    {
        var errors = new List<ValidationError>();
        var needsPressure = kind is ReadingKind.BloodPressure or ReadingKind.Vitals;
        Check(errors, "systolic", reading.Systolic, PlausibleSystolic, "mmHg", needsPressure);
        Check(errors, "diastolic", reading.Diastolic, PlausibleDiastolic, "mmHg", needsPressure);
        Check(errors, "pulse", reading.Pulse, PlausiblePulse, "beats a minute", kind is ReadingKind.Pulse or ReadingKind.Vitals);
        Check(errors, "spo2", reading.Spo2, PlausibleSpo2, "%", kind is ReadingKind.Spo2 or ReadingKind.Vitals);
        if ((reading.Systolic is null) != (reading.Diastolic is null) && errors.Count == 0)
        {
            errors.Add(new ValidationError(reading.Systolic is null ? "systolic" : "diastolic", "A blood pressure needs both numbers, systolic and diastolic."));
        }

        if (reading is { Systolic: { } s, Diastolic: { } d } && s <= d)
        {
            errors.Add(new ValidationError("diastolic", "The diastolic pressure must be lower than the systolic."));
        }

        if (reading is { Systolic: null, Diastolic: null, Pulse: null, Spo2: null } && errors.Count == 0)
        {
            errors.Add(new ValidationError("reading", "Enter the reading from the monitor."));
        }

        return errors;
    }

    /// <summary>The parts of <paramref name="reading"/> outside the ranges staff set ("systolic", "spo2", …).</summary>
    public static IReadOnlyList<string> Outside(VitalReading reading, ReferenceRanges? ranges)
    {
        if (ranges is null)
        {
            return [];
        }

        var outside = new List<string>();
        Compare(outside, "systolic", reading.Systolic, ranges.Systolic);
        Compare(outside, "diastolic", reading.Diastolic, ranges.Diastolic);
        Compare(outside, "pulse", reading.Pulse, ranges.Pulse);
        Compare(outside, "spo2", reading.Spo2, ranges.Spo2);
        return outside;
    }

    /// <summary>"128/82 mmHg, pulse 72/min, SpO₂ 97%".</summary>
    public static string Describe(VitalReading reading)
    {
        var parts = new List<string>();
        if (reading is { Systolic: { } s, Diastolic: { } d })
        {
            parts.Add($"{s}/{d} mmHg");
        }

        if (reading.Pulse is { } pulse)
        {
            parts.Add($"pulse {pulse}/min");
        }

        if (reading.Spo2 is { } spo2)
        {
            parts.Add($"SpO₂ {spo2}%");
        }

        return string.Join(", ", parts);
    }

    /// <summary>"systolic above 90–160", "SpO₂ below 94" for the record, so the export says which range it was read against.</summary>
    public static string DescribeOutside(VitalReading reading, ReferenceRanges ranges, IReadOnlyList<string> outside) =>
        string.Join("; ", outside.Select(field =>
        {
            var (value, range, name) = field switch
            {
                "systolic" => (reading.Systolic, ranges.Systolic, "systolic"),
                "diastolic" => (reading.Diastolic, ranges.Diastolic, "diastolic"),
                "pulse" => (reading.Pulse, ranges.Pulse, "pulse"),
                _ => (reading.Spo2, ranges.Spo2, "SpO₂"),
            };
            var below = range?.Min is { } min && value < min;
            return (range?.Min, range?.Max) switch
            {
                ({ } low, { } high) => $"{name} {(below ? "below" : "above")} {low}–{high}",
                ({ } low, null) => $"{name} below {low}",
                (_, var high) => $"{name} above {high}",
            };
        }));

    private static void Check(List<ValidationError> errors, string field, int? value, ReferenceRange plausible, string unit, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(new ValidationError(field, $"Enter the {Spoken(field)}."));
            }

            return;
        }

        if (!plausible.Holds(value.Value))
        {
            errors.Add(new ValidationError(field, $"The {Spoken(field)} is {plausible.Min}–{plausible.Max} {unit}; check the number."));
        }
    }

    private static void Compare(List<string> outside, string field, int? value, ReferenceRange? range)
    {
        if (value is { } v && range is not null && !range.Holds(v))
        {
            outside.Add(field);
        }
    }

    private static string Spoken(string field) => field switch
    {
        "systolic" => "systolic pressure",
        "diastolic" => "diastolic pressure",
        "spo2" => "SpO₂",
        _ => field,
    };
}
