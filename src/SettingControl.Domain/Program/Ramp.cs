namespace SettingControl.Domain.Program;

/// <summary>
/// One attribute moving linearly from <see cref="From"/> to <see cref="To"/> over a fixed duration.
/// A device performs the same linear transition itself, so the controller and the light agree on
/// where the light is at every moment; a new ramp always starts from where the old one had got to,
/// which is what makes an interrupted fade continue instead of jumping.
/// </summary>
public sealed record Ramp(double From, double To, DateTimeOffset Start, long DurationMs)
{
    public DateTimeOffset End => Start.AddMilliseconds(DurationMs);

    public static Ramp Steady(double value, DateTimeOffset at) => new(value, value, at, 0);

    public double ValueAt(DateTimeOffset time)
    {
        if (DurationMs <= 0 || time >= End)
        {
            return To;
        }

        if (time <= Start)
        {
            return From;
        }

        var fraction = (time - Start).TotalMilliseconds / DurationMs;
        return From + ((To - From) * fraction);
    }

    public bool IsMovingAt(DateTimeOffset time) => DurationMs > 0 && time < End && From != To;

    /// <summary>Progress through the ramp, 0 before it starts and 1 once it has arrived.</summary>
    public double ProgressAt(DateTimeOffset time) =>
        DurationMs <= 0 || time >= End ? 1 : time <= Start ? 0 : (time - Start).TotalMilliseconds / DurationMs;

    /// <summary>
    /// A new ramp to <paramref name="to"/> starting <paramref name="now"/> from where the device reports it is
    /// (<paramref name="actualLevel"/>) or, not knowing that, from where this ramp has got to; no duration means at once.
    /// </summary>
    internal Ramp Toward(double to, DateTimeOffset now, long durationMs, double? actualLevel) =>
        durationMs <= 0 ? Steady(to, now) : new Ramp(actualLevel ?? ValueAt(now), to, now, durationMs);

    /// <summary>A new ramp to <paramref name="to"/> that starts from where this one is at <paramref name="now"/>.</summary>
    public Ramp Retarget(double to, DateTimeOffset now, long durationMs) => new(ValueAt(now), to, now, Math.Max(0, durationMs));
}
