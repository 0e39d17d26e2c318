using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim.Wire;

/// <summary>A light's actual output in a convention's own units: level on its scale (0–254, 0–100) and mireds.</summary>
public readonly record struct LightLevels(bool On, int Level, int ColorTempMireds);

/// <summary>
/// The one place where the Zigbee2MQTT and Tasmota lights meet the shared device model: it turns their commands into
/// the model's command type and its snapshots back into their units, so the fades, the state lock and the counters
/// are the same as a v1 light's.
/// </summary>
/// <remarks>
/// <para>The model works in percent and Kelvin. Mireds travel through its colour-temperature field on a fixed linear
/// scale (<see cref="MinMireds"/> + (K − 2000) / 10), which is exact for 150–600 mireds and fades linearly in mireds,
/// as a Zigbee bulb does. A level finer than a percent (Zigbee's 0–254) is kept beside the model: once the model's
/// percent equals the commanded one, the exact commanded level is reported, so only the steps of a fade are rounded.</para>
/// <para>Each command gets a fresh command id: these conventions have none, so the model's de-duplication never fires.</para>
/// </remarks>
internal sealed class LightOutput
{
    public const int MinMireds = 150;
    public const int MaxMireds = 600;
    private const int KelvinPerMired = 10;

    private readonly Lock _lock = new();
    private readonly DeviceState _state;
    private readonly int _levelMax;
    private (int Percent, int Level)? _levelTarget;

    public LightOutput(int levelMax, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levelMax, 1);
        _levelMax = levelMax;
        _state = new DeviceState(DeviceKinds.Light, time);
    }

    public LightLevels Current
    {
        get
        {
            lock (_lock)
            {
                return ToLevels(_state.Current);
            }
        }
    }

    /// <summary>Commands applied so far (each one counts, whatever it changed).</summary>
    public int AppliedCount => _state.AppliedCount;

    /// <summary>
    /// Starts moving to the given values over <paramref name="transition"/> (left-out values keep any fade they had).
    /// <see cref="LightChange.StartFadeLoop"/> is true for exactly one caller while a fade is in flight.
    /// </summary>
    public LightChange Apply(bool? on, int? level, int? colorTempMireds, TimeSpan transition)
    {
        lock (_lock)
        {
            int? percent = null;
            if (level is { } exact)
            {
                var clamped = Math.Clamp(exact, 0, _levelMax);
                percent = (int)Math.Round(clamped * 100.0 / _levelMax, MidpointRounding.AwayFromZero);
                _levelTarget = (percent.Value, clamped);
            }

            // Zigbee2MQTT and Tasmota commands carry no id: each is applied as it comes.
            var command = new DeviceCommand(
                null,
                (int)Math.Clamp(transition.TotalMilliseconds, 0, DeviceModel.MaxTransitionMs),
                On: on,
                Brightness: percent,
                ColorTempK: colorTempMireds is { } mireds ? ToCarrierKelvin(mireds) : null);
            var outcome = _state.Apply(command);
            return new LightChange(ToLevels(outcome.Snapshot), outcome.StartFadeLoop);
        }
    }

    /// <summary>Moves running fades to now: the new levels if anything visible moved, and whether more is to come.</summary>
    public (LightLevels? Changed, bool More) Advance()
    {
        lock (_lock)
        {
            var step = _state.Advance();
            return (step.Changed is { } changed ? ToLevels(changed) : null, step.More);
        }
    }

    /// <summary>
    /// Moves a running fade along until it ends (run by the caller <see cref="LightChange.StartFadeLoop"/> chose):
    /// <paramref name="onTheWay"/> with the levels every <paramref name="reportInterval"/> that something visible moved,
    /// <paramref name="atTheEnd"/> as soon as it is over. Steps are finer than the interval, so the end is reported
    /// close to when it happens.
    /// </summary>
    public async Task FollowFadeAsync(TimeProvider time, TimeSpan reportInterval, Func<LightLevels, Task> onTheWay, Func<Task> atTheEnd, CancellationToken token)
    {
        var step = TimeSpan.FromMilliseconds(Math.Min(50, reportInterval.TotalMilliseconds));
        var sinceReport = TimeSpan.Zero;
        try
        {
            while (true)
            {
                await Task.Delay(step, time, token).ConfigureAwait(false);
                sinceReport += step;
                var (changed, more) = Advance();
                if (!more)
                {
                    await atTheEnd().ConfigureAwait(false);
                    return;
                }

                if (changed is { } levels && sinceReport >= reportInterval)
                {
                    sinceReport = TimeSpan.Zero;
                    await onTheWay(levels).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The light was disposed.
        }
    }

    /// <summary>Power returns: on, at <paramref name="level"/> and <paramref name="colorTempMireds"/> at once, nothing in flight.</summary>
    public LightLevels PowerOn(int level, int colorTempMireds)
    {
        lock (_lock)
        {
            _state.ResetToFactory();
            _levelTarget = null;
        }

        return Apply(on: true, level, colorTempMireds, TimeSpan.Zero).Now;
    }

    private static int ToCarrierKelvin(int mireds) =>
        DeviceModel.MinColorTempK + ((Math.Clamp(mireds, MinMireds, MaxMireds) - MinMireds) * KelvinPerMired);

    private LightLevels ToLevels(DeviceSnapshot snapshot)
    {
        var percent = snapshot.Brightness ?? 0;
        var level = _levelTarget is { } target && target.Percent == percent
            ? target.Level
            : (int)Math.Round(percent * _levelMax / 100.0, MidpointRounding.AwayFromZero);
        var mireds = MinMireds + (((snapshot.ColorTempK ?? DeviceModel.FactoryColorTempK) - DeviceModel.MinColorTempK) / KelvinPerMired);
        return new LightLevels(snapshot.On, level, mireds);
    }
}

/// <summary>The levels right after a command, and whether this caller must run the fade loop.</summary>
internal readonly record struct LightChange(LightLevels Now, bool StartFadeLoop);
