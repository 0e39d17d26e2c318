using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

/// <summary>A bulb's state as Zigbee2MQTT reports it: <c>state</c>, <c>brightness</c> 0–254, <c>color_temp</c> in mireds.</summary>
public readonly record struct ZigbeeBulbState(bool On, int Brightness, int ColorTemp);

/// <summary>
/// One bulb behind the simulated bridge. It fades itself (on the shared device model, through <see cref="LightOutput"/>)
/// and reports the way Zigbee2MQTT does: the state it assumes at once after a command, the bulb's own reports while it
/// fades, and the final state when the fade ends. Its faults are its own: it may ignore transitions or lose power.
/// </summary>
/// <summary>A request the bridge passed to a bulb, in the order it arrived: a <c>set</c> (with its transition), a <c>group-set</c> (a set sent to a group it is in) or a <c>get</c>.</summary>
public sealed record ZigbeeRequest(string Kind, DateTimeOffset At, double? TransitionSeconds);

public sealed partial class ZigbeeBulb
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<ZigbeeRequest> _received = new();
    private readonly LightOutput _output;
    private readonly Func<Publication, Task> _publish;
    private readonly Func<bool> _legacyAvailability;
    private readonly TimeProvider _time;
    private readonly TimeSpan _reportInterval;
    private readonly CancellationToken _disposing;
    private readonly ILogger _logger;
    private readonly Lock _reportLock = new();
    private ZigbeeBulbState _lastReported;
    private volatile bool _ignoresTransition;
    private volatile bool _powered = true;

    internal ZigbeeBulb(ZigbeeBulbOptions options, string baseTopic, BridgeServices services)
    {
        FriendlyName = options.FriendlyName;
        IeeeAddress = options.EffectiveIeeeAddress;
        Definition = BulbDefinitions.ByModel(options.Model);
        _ignoresTransition = options.IgnoresTransition;
        StateTopic = $"{baseTopic}/{FriendlyName}";
        AvailabilityTopic = $"{StateTopic}/availability";
        (_publish, _legacyAvailability, _time, _disposing, _logger) = (services.Publish, services.LegacyAvailability, services.Time, services.Disposing, services.Logger);
        _reportInterval = services.ReportInterval;
        _output = new LightOutput(254, _time);
        _lastReported = ToState(_output.PowerOn(254, PowerOnColorTemp));
    }

    public string FriendlyName { get; }

    /// <summary>Every <c>set</c> and <c>get</c> addressed to this bulb (directly, not through a group), oldest first.</summary>
    public IReadOnlyList<ZigbeeRequest> Received => _received.ToArray();

    internal void Note(string kind, double? transitionSeconds) => _received.Enqueue(new ZigbeeRequest(kind, _time.GetUtcNow(), transitionSeconds));

    public string IeeeAddress { get; }

    /// <summary>The real device definition it plays (exposes, colour-temperature range).</summary>
    public BulbDefinition Definition { get; }

    /// <summary>The bulb's actual output now (mid-fade values during a fade).</summary>
    public ZigbeeBulbState Current => ToState(_output.Current);

    /// <summary>Has mains power (see <see cref="CutPowerAsync"/>).</summary>
    public bool IsPowered => _powered;

    /// <summary>Commands applied (a group command counts once per member).</summary>
    public int AppliedCommandCount => _output.AppliedCount;

    /// <summary>Fault switch: jump to every target at once, whatever <c>transition</c> a command asks for.</summary>
    public bool IgnoresTransition
    {
        get => _ignoresTransition;
        set => _ignoresTransition = value;
    }

    /// <summary>The colour temperature a bulb comes back with after a power cut: its coolest, at full brightness.</summary>
    public int PowerOnColorTemp => Definition.ColorTempMin;

    internal string StateTopic { get; }

    internal string AvailabilityTopic { get; }

    internal Publication Availability => ZigbeePayloads.Availability(AvailabilityTopic, _powered, _legacyAvailability());

    internal Publication StateReport => Publication.Live(StateTopic, ZigbeePayloads.State(Current));

    /// <summary>
    /// Power cut: the bridge loses the bulb (availability <c>offline</c>) and commands to it go nowhere. With a
    /// <paramref name="downtime"/> power returns by itself after it (see <see cref="RestorePowerAsync"/>).
    /// </summary>
    public async Task CutPowerAsync(TimeSpan? downtime = null)
    {
        _powered = false;
        LogPowerCut(FriendlyName);
        await _publish(Availability).ConfigureAwait(false);
        if (downtime is { } after)
        {
            _ = RestoreLaterAsync(after);
        }
    }

    /// <summary>
    /// Power returns: the bulb boots as Zigbee bulbs do by default, on at full brightness and its coolest white, and
    /// re-announces itself (availability <c>online</c>, then its state).
    /// </summary>
    public async Task RestorePowerAsync()
    {
        var levels = _output.PowerOn(254, PowerOnColorTemp);
        _powered = true;
        LogPowerRestored(FriendlyName);
        await _publish(Availability).ConfigureAwait(false);
        await ReportAsync(ToState(levels)).ConfigureAwait(false);
    }

    /// <summary>Applies a parsed <c>…/set</c>; publishes what it now assumes, and starts the fade reports if it fades.</summary>
    internal async Task<ZigbeeBulbState?> ApplyAsync(ZigbeeCommand command, List<string> problems)
    {
        if (!_powered)
        {
            // Zigbee2MQTT's send would time out ("no network route"); nothing changes and nothing is published.
            LogUnreachable(FriendlyName);
            return null;
        }

        var colorTemp = ResolveColorTemp(command.ColorTemp, problems);
        var on = command.State switch
        {
            "ON" => true,
            "OFF" => false,
            "TOGGLE" => !Current.On,
            _ => command.Brightness switch
            {
                // Zigbee2MQTT turns brightness 0 into "off" and any other brightness into move-to-level-with-on/off.
                0 => false,
                > 0 => true,
                _ => (bool?)null,
            },
        };
        var level = command.Brightness is > 0 ? command.Brightness : null;
        if (on is null && level is null && colorTemp is null)
        {
            return null;
        }

        var transition = _ignoresTransition ? TimeSpan.Zero : TimeSpan.FromSeconds(command.Transition ?? 0);
        var change = _output.Apply(on, level, colorTemp, transition);
        LogApplied(FriendlyName, on, level, colorTemp, transition.TotalSeconds);

        ZigbeeBulbState assumed;
        lock (_reportLock)
        {
            // Zigbee2MQTT's state cache: the last report with what the command asked for laid over it.
            assumed = new ZigbeeBulbState(on ?? _lastReported.On, level ?? _lastReported.Brightness, colorTemp ?? _lastReported.ColorTemp);
        }

        if (change.StartFadeLoop)
        {
            // A report every report interval while fading, and the final one as soon as the fade is over.
            _ = Task.Run(
                () => _output.FollowFadeAsync(_time, _reportInterval, levels => ReportAsync(ToState(levels)), () => ReportAsync(Current), _disposing),
                CancellationToken.None);
        }

        await ReportAsync(assumed).ConfigureAwait(false);
        return assumed;
    }

    /// <summary>Answers a <c>…/get</c>: the bulb is read and its actual state published.</summary>
    internal Task ReportCurrentAsync() => _powered ? ReportAsync(Current) : Task.CompletedTask;

    private static ZigbeeBulbState ToState(LightLevels levels) => new(levels.On, levels.Level, levels.ColorTempMireds);

    private int? ResolveColorTemp(JsonValue? requested, List<string> problems)
    {
        if (requested is null)
        {
            return null;
        }

        if (requested.GetValueKind() == JsonValueKind.String && Definition.ColorTempPresets.TryGetValue(requested.GetValue<string>(), out var preset))
        {
            return preset;
        }

        if (requested.GetValueKind() == JsonValueKind.String && !double.TryParse(requested.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            problems.Add($"unknown color_temp preset {requested.ToJsonString()}");
            return null;
        }

        // Out-of-range requests are clamped to what the bulb can do, as Zigbee2MQTT does (with a warning).
        var mireds = requested.GetValueKind() == JsonValueKind.Number
            ? requested.GetValue<double>()
            : double.Parse(requested.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        return (int)Math.Clamp(Math.Round(mireds), Definition.ColorTempMin, Definition.ColorTempMax);
    }

    private Task ReportAsync(ZigbeeBulbState state)
    {
        if (!_powered)
        {
            return Task.CompletedTask;
        }

        lock (_reportLock)
        {
            _lastReported = state;
        }

        return _publish(Publication.Live(StateTopic, ZigbeePayloads.State(state)));
    }

    private async Task RestoreLaterAsync(TimeSpan after)
    {
        try
        {
            await Task.Delay(after, _time, _disposing).ConfigureAwait(false);
            await RestorePowerAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The bridge was disposed while the bulb was without power.
        }
    }

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "{Bulb} set state={On} brightness={Brightness} color_temp={ColorTemp} over {Seconds} s")]
    private partial void LogApplied(string bulb, bool? on, int? brightness, int? colorTemp, double seconds);

    [LoggerMessage(EventId = 122, Level = LogLevel.Information, Message = "{Bulb} lost power")]
    private partial void LogPowerCut(string bulb);

    [LoggerMessage(EventId = 123, Level = LogLevel.Information, Message = "{Bulb} has power again (on, full brightness, coolest white)")]
    private partial void LogPowerRestored(string bulb);

    [LoggerMessage(EventId = 124, Level = LogLevel.Warning, Message = "{Bulb} is unreachable (no power): command not delivered")]
    private partial void LogUnreachable(string bulb);
}

/// <summary>What the bridge lends each bulb: its connection, settings and clock.</summary>
internal sealed record BridgeServices(
    Func<Publication, Task> Publish,
    Func<bool> LegacyAvailability,
    TimeProvider Time,
    TimeSpan ReportInterval,
    CancellationToken Disposing,
    ILogger Logger);
