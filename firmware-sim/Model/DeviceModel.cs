using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim.Model;

/// <summary>
/// The device's output stage, free of I/O and clocks: callers pass "now" as time elapsed since an arbitrary origin,
/// which keeps the fade arithmetic deterministic and unit-testable. Not thread-safe: <see cref="DeviceState"/>
/// serialises access. Knows nothing of any wire format.
/// </summary>
internal sealed class DeviceModel
{
    public const int MinColorTempK = 2000;
    public const int MaxColorTempK = 6500;
    public const int MaxTransitionMs = 600_000;
    public const int FactoryLevel = 100;
    public const int FactoryColorTempK = 4000;

    private readonly bool _isLight;
    private bool _on;
    private int _level;
    private int _colorTempK;
    private Ramp? _levelRamp;
    private Ramp? _colorTempRamp;
    private TimeSpan? _turnOffAt;

    public DeviceModel(string kind)
    {
        _isLight = kind == DeviceKinds.Light;
        ResetToFactory();
    }

    /// <summary>True while a fade or a deferred switch-off is still to happen.</summary>
    public bool IsAnimating => _levelRamp is not null || _colorTempRamp is not null || _turnOffAt is not null;

    /// <summary>Masks report no battery drain and are always worn: the simulator has no wearer.</summary>
    public DeviceSnapshot Snapshot => _isLight
        ? new DeviceSnapshot(_on, _level, _colorTempK, null, null, null)
        : new DeviceSnapshot(_on, null, null, _level, true, 100);

    /// <summary>Power-on state: on, full level, 4000 K, nothing in flight.</summary>
    public void ResetToFactory()
    {
        _on = true;
        _level = FactoryLevel;
        _colorTempK = FactoryColorTempK;
        _levelRamp = null;
        _colorTempRamp = null;
        _turnOffAt = null;
    }

    /// <summary>
    /// Applies a validated command. Every fade starts from the current actual value, so an interrupted fade never jumps.
    /// Fields the command leaves out keep whatever fade they had. Returns whether the visible state changed at once.
    /// </summary>
    public bool Apply(DeviceCommand command, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var before = Snapshot;
        var duration = TimeSpan.FromMilliseconds(Math.Clamp(command.TransitionMs, 0, MaxTransitionMs));

        // Fields that do not belong to this kind of device are ignored, as real firmware would.
        if ((_isLight ? command.Brightness : command.Light) is { } level)
        {
            _levelRamp = StartRamp(ref _level, Math.Clamp(level, 0, 100), now, duration);
        }

        if (_isLight && command.ColorTempK is { } colorTempK)
        {
            _colorTempRamp = StartRamp(ref _colorTempK, Math.Clamp(colorTempK, MinColorTempK, MaxColorTempK), now, duration);
        }

        switch (command.On)
        {
            case true:
                _on = true;
                _turnOffAt = null;
                break;
            case false when duration == TimeSpan.Zero:
                _on = false;
                _turnOffAt = null;
                break;
            case false:
                // Off happens when the fade ends; the level is kept so the next "on" comes back where it was.
                _turnOffAt = now + duration;
                break;
        }

        return Snapshot != before;
    }

    /// <summary>Moves running fades to <paramref name="now"/>. Returns whether the visible state changed.</summary>
    public bool Advance(TimeSpan now)
    {
        var before = Snapshot;
        if (_levelRamp is { } levelRamp)
        {
            _level = levelRamp.ValueAt(now);
            _levelRamp = levelRamp.IsDoneAt(now) ? null : levelRamp;
        }

        if (_colorTempRamp is { } colorTempRamp)
        {
            _colorTempK = colorTempRamp.ValueAt(now);
            _colorTempRamp = colorTempRamp.IsDoneAt(now) ? null : colorTempRamp;
        }

        if (_turnOffAt is { } offAt && now >= offAt)
        {
            _on = false;
            _turnOffAt = null;
        }

        return Snapshot != before;
    }

    private static Ramp? StartRamp(ref int current, int target, TimeSpan now, TimeSpan duration)
    {
        if (duration == TimeSpan.Zero || current == target)
        {
            current = target;
            return null;
        }

        return new Ramp(current, target, now, duration);
    }

    /// <summary>A linear integer fade from <see cref="From"/> to <see cref="To"/>.</summary>
    private readonly record struct Ramp(int From, int To, TimeSpan Start, TimeSpan Duration)
    {
        public bool IsDoneAt(TimeSpan now) => now >= Start + Duration;

        public int ValueAt(TimeSpan now)
        {
            if (IsDoneAt(now))
            {
                return To;
            }

            var fraction = Math.Max(0, (now - Start) / Duration);

            // Truncating towards From keeps the sequence monotonic and reaches To only when the fade is over.
            return From + (int)((To - From) * fraction);
        }
    }
}
