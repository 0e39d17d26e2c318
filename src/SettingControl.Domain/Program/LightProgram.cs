namespace SettingControl.Domain.Program;

/// <summary>
/// Where the room's lights and mask light are going and how fast: one <see cref="Ramp"/> per
/// continuous attribute, plus the on/off states. The final values are the room's desired state;
/// <see cref="SegmentAt"/> turns the ramps into device commands that each carry one transition.
/// </summary>
public sealed class LightProgram
{
    public bool LightsOn { get; set; } = LightingSetting.Default.On;

    public Ramp Brightness { get; set; } = Ramp.Steady(LightingSetting.Default.Brightness, DateTimeOffset.UnixEpoch);

    public Ramp ColorTempK { get; set; } = Ramp.Steady(LightingSetting.Default.ColorTempK, DateTimeOffset.UnixEpoch);

    public bool MaskOn { get; set; } = MaskSetting.Default.On;

    public Ramp MaskLight { get; set; } = Ramp.Steady(MaskSetting.Default.Light, DateTimeOffset.UnixEpoch);

    public static LightProgram From(DesiredRoomState desired, DateTimeOffset at) => new()
    {
        LightsOn = desired.Lighting.On,
        Brightness = Ramp.Steady(desired.Lighting.Brightness, at),
        ColorTempK = Ramp.Steady(desired.Lighting.ColorTempK, at),
        MaskOn = desired.Mask.On,
        MaskLight = Ramp.Steady(desired.Mask.Light, at),
    };

    /// <summary>The targets: what the room will show once every ramp has arrived.</summary>
    public DesiredRoomState Desired => new(
        new LightingSetting(LightsOn, (int)Math.Round(Brightness.To), (int)Math.Round(ColorTempK.To)),
        new MaskSetting(MaskOn, (int)Math.Round(MaskLight.To)));

    /// <summary>Where the lights are (or should be) right now, mid-fade included.</summary>
    public LightingSetting LightingAt(DateTimeOffset now) =>
        new(LightsOn, (int)Math.Round(Brightness.ValueAt(now)), (int)Math.Round(ColorTempK.ValueAt(now)));

    public MaskSetting MaskAt(DateTimeOffset now) => new(MaskOn, (int)Math.Round(MaskLight.ValueAt(now)));

    public bool IsMovingAt(DateTimeOffset now) =>
        Brightness.IsMovingAt(now) || ColorTempK.IsMovingAt(now) || MaskLight.IsMovingAt(now);

    /// <summary>
    /// The command a device of <paramref name="kind"/> gets at <paramref name="now"/>: the values its
    /// attributes reach at the next breakpoint (the earliest end of a moving ramp of that kind, capped at
    /// what the device can do in one transition) and the time until then. Between breakpoints every
    /// attribute is linear, so one device-side transition per segment reproduces the ramps exactly.
    /// A mask that is off is told light 0: a mask keeps its level while off and would come back on at it at once, on a
    /// patient's eyes; from 0 it comes back up with the fade.
    /// </summary>
    public LightSegment SegmentAt(DeviceKind kind, DateTimeOffset now, long maxTransitionMs)
    {
        var ramps = kind == DeviceKind.Light ? new[] { Brightness, ColorTempK } : new[] { MaskLight };
        DateTimeOffset? breakpoint = null;
        foreach (var ramp in ramps)
        {
            if (ramp.IsMovingAt(now) && (breakpoint is null || ramp.End < breakpoint))
            {
                breakpoint = ramp.End;
            }
        }

        var segmentEnd = breakpoint ?? now;
        var transitionMs = (long)Math.Ceiling((segmentEnd - now).TotalMilliseconds);
        var capped = false;
        if (maxTransitionMs > 0 && transitionMs > maxTransitionMs)
        {
            transitionMs = maxTransitionMs;
            segmentEnd = now.AddMilliseconds(maxTransitionMs);
            capped = true;
        }

        var finalBreakpoint = capped || (breakpoint is { } b && ramps.Any(r => r.IsMovingAt(b)));
        return kind == DeviceKind.Light
            ? new LightSegment(LightsOn, (int)Math.Round(Brightness.ValueAt(segmentEnd)), (int)Math.Round(ColorTempK.ValueAt(segmentEnd)), null, (int)transitionMs, finalBreakpoint ? segmentEnd : null)
            : new LightSegment(MaskOn, null, null, MaskOn ? (int)Math.Round(MaskLight.ValueAt(segmentEnd)) : 0, (int)transitionMs, finalBreakpoint ? segmentEnd : null);
    }

    public LightProgram Clone() => (LightProgram)MemberwiseClone();
}

/// <summary>
/// One device-side transition. <see cref="ContinueAt"/> is when the next segment must be sent
/// (null when this segment reaches the final targets).
/// </summary>
public sealed record LightSegment(bool On, int? Brightness, int? ColorTempK, int? Light, int TransitionMs, DateTimeOffset? ContinueAt)
{
    public DeviceCommand ToCommand(string deviceId, DeviceKind kind) =>
        new(deviceId, kind, On, Brightness, ColorTempK, Light, TransitionMs);
}
