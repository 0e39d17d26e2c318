using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.Tasmota;

/// <summary>A Tasmota light's settings as its replies report them (targets, not the output mid-fade).</summary>
/// <param name="Dimmer">0–100.</param>
/// <param name="Ct">Colour temperature in mireds, 153–500.</param>
/// <param name="Speed">1–40: half-seconds for a full 0→100 swing (or for any fade, with <paramref name="FixedFadeDuration"/>).</param>
/// <param name="FixedFadeDuration"><c>SetOption117 1</c>: every fade takes Speed × 0.5 s, however far it goes.</param>
public readonly record struct TasmotaSettings(bool Power, int Dimmer, int Ct, bool Fade, int Speed, bool FixedFadeDuration, int TelePeriod);

/// <summary>
/// One simulated Tasmota CCT light on its own connection: retained <c>tele/&lt;topic&gt;/LWT</c> <c>Online</c> (will
/// <c>Offline</c>), commands on <c>cmnd/&lt;topic&gt;/&lt;Command&gt;</c> (names in any case; an empty payload or <c>?</c>
/// asks), replies on <c>stat/&lt;topic&gt;/RESULT</c> and <c>stat/&lt;topic&gt;/POWER</c>, telemetry on
/// <c>tele/&lt;topic&gt;/STATE</c> every TelePeriod. Fades run on the shared device model through <see cref="LightOutput"/>.
/// </summary>
/// <remarks>
/// Commands: <c>Power</c> (ON/OFF/1/0/TOGGLE/2), <c>Dimmer</c> 0–100 (also <c>+</c>/<c>-</c>; 0 switches off, above 0
/// switches on), <c>CT</c> 153–500, <c>Fade</c>, <c>Speed</c> 1–40 (also <c>+</c>/<c>-</c>), <c>SetOption117</c>,
/// <c>TelePeriod</c>, <c>State</c>, and <c>Backlog</c> of those separated by <c>;</c>. A value out of range changes nothing
/// and the reply carries the current value; an unknown command answers <c>{"Command":"Unknown"}</c>. Both count as malformed.
/// </remarks>
public sealed partial class SimulatedTasmotaLight : SimulatedClient
{
    public const int MinCt = 153;
    public const int MaxCt = 500;

    /// <summary>Tasmota's <c>Speed</c> unit: half a second for a full swing.</summary>
    private static readonly TimeSpan SpeedUnit = TimeSpan.FromMilliseconds(500);

    private readonly TasmotaLightOptions _options;
    private readonly LightOutput _output;
    private readonly Lock _settingsLock = new();
    private readonly string _resultTopic;
    private readonly string _powerTopic;
    private readonly string _stateTopic;
    private readonly string _commandPrefix;
    private TasmotaSettings _settings;
    private long _bootedAt;

    public SimulatedTasmotaLight(TasmotaLightOptions options, TimeProvider? time = null, ILogger? logger = null)
        : base(options?.ClientId ?? throw new ArgumentNullException(nameof(options)), time, logger)
    {
        options.Validate();
        _options = options;
        _commandPrefix = $"cmnd/{options.Topic}/";
        _resultTopic = $"stat/{options.Topic}/RESULT";
        _powerTopic = $"stat/{options.Topic}/POWER";
        _stateTopic = $"tele/{options.Topic}/STATE";
        Will = Publication.Retained($"tele/{options.Topic}/LWT", "Offline");
        Subscriptions = [$"{_commandPrefix}+"];

        // A fresh light: on at full brightness, neutral white, no fade (Tasmota's defaults for Fade and Speed).
        _settings = new TasmotaSettings(Power: true, Dimmer: 100, Ct: 326, Fade: false, Speed: 1, FixedFadeDuration: false, options.TelePeriodSeconds);
        _output = new LightOutput(100, Time);
        _output.PowerOn(_settings.Dimmer, _settings.Ct);
        _bootedAt = Time.GetTimestamp();
        _ = Task.Run(() => RunTelemetryAsync(Disposing.Token), CancellationToken.None);
    }

    public string Topic => _options.Topic;

    /// <summary>The settings its replies report.</summary>
    public TasmotaSettings Settings
    {
        get
        {
            lock (_settingsLock)
            {
                return _settings;
            }
        }
    }

    /// <summary>The actual output now (mid-fade values during a fade; Tasmota itself never reports those).</summary>
    public LightLevels Output => _output.Current;

    /// <summary>Commands that changed the output (a Backlog counts each of its commands).</summary>
    public int AppliedCommandCount => _output.AppliedCount;

    private protected override MqttEndpoint Endpoint => _options.Broker;

    private protected override Publication Will { get; }

    private protected override IReadOnlyList<string> Subscriptions { get; }

    /// <summary>LWT <c>Online</c>, INFO1, then the state telemetry, as Tasmota does on every MQTT connect.</summary>
    private protected override IReadOnlyList<Publication> Identity() =>
    [
        Publication.Retained(Will.Topic, "Online"),
        Publication.Live($"tele/{Topic}/INFO1", $$$"""{"Info1":{"Module":"Generic","Version":"{{{_options.Version}}}","FallbackTopic":"cmnd/{{{ClientId}}}_fb/","GroupTopic":"cmnd/tasmotas/"}}"""),
        Publication.Live(_stateTopic, TasmotaPayloads.Telemetry(Settings, Time.GetUtcNow(), Time.GetElapsedTime(_bootedAt))),
    ];

    private protected override IReadOnlyList<Publication> Goodbye() => [Will];

    private protected override bool IsCommandTopic(string topic) =>
        topic.StartsWith(_commandPrefix, StringComparison.Ordinal) && topic.Length > _commandPrefix.Length;

    private protected override Publication Garbage(Random random) => ConventionGarbage.Next(random, random.Next(3) switch
    {
        0 => Publication.Retained(Will.Topic, "Online"),
        1 => Publication.Live(_resultTopic, TasmotaPayloads.Light(Settings)),
        _ => Publication.Live(_stateTopic, TasmotaPayloads.Telemetry(Settings, Time.GetUtcNow(), Time.GetElapsedTime(_bootedAt))),
    });

    /// <summary>A restart keeps every setting (Tasmota saves them in flash; PowerOnState 3 restores the power): only uptime resets.</summary>
    private protected override void OnRestarting() => _bootedAt = Time.GetTimestamp();

    private protected override async Task HandleCommandAsync(string topic, ReadOnlySequence<byte> payload)
    {
        var command = topic[_commandPrefix.Length..];
        string parameter;
        try
        {
            parameter = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload.ToArray()).Trim();
        }
        catch (DecoderFallbackException)
        {
            CountMalformed(topic, "payload is not UTF-8");
            return;
        }

        if (command.Equals("Backlog", StringComparison.OrdinalIgnoreCase) || command.Equals("Backlog0", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var item in parameter.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var space = item.IndexOf(' ', StringComparison.Ordinal);
                await ExecuteAsync(space < 0 ? item : item[..space], space < 0 ? string.Empty : item[(space + 1)..].Trim()).ConfigureAwait(false);
            }

            return;
        }

        await ExecuteAsync(command, parameter).ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string command, string parameter)
    {
        var query = parameter is "" or "?";
        var outcome = command.ToUpperInvariant() switch
        {
            "POWER" or "POWER1" => query ? Reply(TasmotaPayloads.Power(Settings.Power)) : SetPower(parameter),
            "DIMMER" => query ? Reply(TasmotaPayloads.Light(Settings)) : SetDimmer(parameter),
            "CT" => query ? Reply(TasmotaPayloads.Light(Settings)) : SetCt(parameter),
            "FADE" => query ? Reply(TasmotaPayloads.Fade(Settings)) : SetFlag(parameter, Settings.Fade, s => s with { Fade = !s.Fade }, (s, on) => s with { Fade = on }, TasmotaPayloads.Fade),
            "SPEED" => query ? Reply(TasmotaPayloads.Speed(Settings)) : SetSpeed(parameter),
            "SETOPTION117" => query ? Reply(TasmotaPayloads.FixedFade(Settings)) : SetFlag(parameter, Settings.FixedFadeDuration, s => s with { FixedFadeDuration = !s.FixedFadeDuration }, (s, on) => s with { FixedFadeDuration = on }, TasmotaPayloads.FixedFade),
            "TELEPERIOD" => query ? Reply(TasmotaPayloads.TelePeriod(Settings)) : SetTelePeriod(parameter),
            "STATE" => Reply(TasmotaPayloads.Telemetry(Settings, Time.GetUtcNow(), Time.GetElapsedTime(_bootedAt))),
            _ => new Outcome([Publication.Live(_resultTopic, """{"Command":"Unknown"}""")], $"unknown command '{command}'"),
        };

        if (outcome.Problem is { } problem)
        {
            CountMalformed($"{_commandPrefix}{command}", $"{problem} ('{parameter}')");
        }

        await PublishAsync(outcome.Replies).ConfigureAwait(false);
    }

    private Outcome Reply(string json, string? problem = null) => new([Publication.Live(_resultTopic, json)], problem);

    private Outcome SetPower(string parameter)
    {
        bool? on = parameter.ToUpperInvariant() switch
        {
            "ON" or "1" or "TRUE" => true,
            "OFF" or "0" or "FALSE" => false,
            "TOGGLE" or "2" => !Settings.Power,
            _ => null,
        };
        return on is { } value ? ChangeLight(s => s with { Power = value }) : Reply(TasmotaPayloads.Power(Settings.Power), "invalid Power value");
    }

    private Outcome SetDimmer(string parameter)
    {
        var current = Settings.Dimmer;
        var dimmer = parameter switch
        {
            "+" => Math.Min(100, current + 10),
            "-" => Math.Max(1, current - 10),
            _ => WholeNumber(parameter, 0, 100),
        };
        return dimmer switch
        {
            null => Reply(TasmotaPayloads.Light(Settings), "Dimmer expects 0-100"),

            // Dimmer 0 switches the light off and keeps the level it comes back at.
            0 => ChangeLight(s => s with { Power = false }),
            { } level => ChangeLight(s => s with { Power = true, Dimmer = level }),
        };
    }

    private Outcome SetCt(string parameter)
    {
        var ct = parameter switch
        {
            "+" => Math.Min(MaxCt, Settings.Ct + 34),
            "-" => Math.Max(MinCt, Settings.Ct - 34),
            _ => WholeNumber(parameter, MinCt, MaxCt),
        };
        return ct is { } mireds ? ChangeLight(s => s with { Ct = mireds }) : Reply(TasmotaPayloads.Light(Settings), $"CT expects {MinCt}-{MaxCt}");
    }

    private Outcome SetSpeed(string parameter)
    {
        var speed = parameter switch
        {
            "+" => Math.Min(40, Settings.Speed + 1),
            "-" => Math.Max(1, Settings.Speed - 1),
            _ => WholeNumber(parameter, 1, 40),
        };
        return speed is { } value ? ChangeSettings(s => s with { Speed = value }, TasmotaPayloads.Speed) : Reply(TasmotaPayloads.Speed(Settings), "Speed expects 1-40");
    }

    private Outcome SetTelePeriod(string parameter) => WholeNumber(parameter, 0, 3600) switch
    {
        // Tasmota raises 1–9 to its minimum of 10.
        { } seconds => ChangeSettings(s => s with { TelePeriod = seconds is > 0 and < 10 ? 10 : seconds }, TasmotaPayloads.TelePeriod),
        null => Reply(TasmotaPayloads.TelePeriod(Settings), "TelePeriod expects 0-3600"),
    };

    private Outcome SetFlag(string parameter, bool current, Func<TasmotaSettings, TasmotaSettings> toggle, Func<TasmotaSettings, bool, TasmotaSettings> set, Func<TasmotaSettings, string> reply) =>
        parameter.ToUpperInvariant() switch
        {
            "ON" or "1" or "TRUE" => ChangeSettings(s => set(s, true), reply),
            "OFF" or "0" or "FALSE" => ChangeSettings(s => set(s, false), reply),
            "TOGGLE" or "2" => ChangeSettings(toggle, reply),
            _ => Reply(reply(Settings), $"invalid value (is {(current ? "ON" : "OFF")})"),
        };

    private Outcome ChangeSettings(Func<TasmotaSettings, TasmotaSettings> change, Func<TasmotaSettings, string> reply)
    {
        lock (_settingsLock)
        {
            _settings = change(_settings);
            return Reply(reply(_settings));
        }
    }

    /// <summary>Changes power, dimmer or CT and moves the output there, fading as Fade, Speed and SetOption117 say.</summary>
    private Outcome ChangeLight(Func<TasmotaSettings, TasmotaSettings> change)
    {
        TasmotaSettings before, after;
        lock (_settingsLock)
        {
            before = _settings;
            after = _settings = change(_settings);
        }

        var duration = FadeDuration(before, after);
        if (after.Power && !before.Power)
        {
            // A fade-in starts from dark, as Tasmota's does.
            _output.Apply(on: null, level: 0, colorTempMireds: null, TimeSpan.Zero);
        }

        var moved = _output.Apply(after.Power, after.Power ? after.Dimmer : 0, after.Ct, duration);
        if (moved.StartFadeLoop)
        {
            // Tasmota never reports mid-fade: the loop only moves the output so Output shows it.
            _ = Task.Run(
                () => _output.FollowFadeAsync(Time, TimeSpan.MaxValue, _ => Task.CompletedTask, () => Task.CompletedTask, Disposing.Token),
                CancellationToken.None);
        }

        LogApplied(Logger, Topic, after.Power, after.Dimmer, after.Ct, duration.TotalSeconds);
        List<Publication> replies = [Publication.Live(_resultTopic, TasmotaPayloads.Light(after))];
        if (after.Power != before.Power)
        {
            replies.Add(Publication.Live(_powerTopic, after.Power ? "ON" : "OFF"));
        }

        return new Outcome(replies, null);
    }

    private TimeSpan FadeDuration(TasmotaSettings before, TasmotaSettings after)
    {
        if (!after.Fade)
        {
            return TimeSpan.Zero;
        }

        var fullSwing = SpeedUnit * after.Speed;
        if (after.FixedFadeDuration)
        {
            return fullSwing;
        }

        // A fixed slew rate: the share of a full swing the largest change covers.
        var fromLevel = before.Power ? before.Dimmer : 0;
        var toLevel = after.Power ? after.Dimmer : 0;
        var distance = Math.Max(Math.Abs(toLevel - fromLevel) / 100.0, Math.Abs(after.Ct - before.Ct) / (double)(MaxCt - MinCt));
        return fullSwing * distance;
    }

    private async Task RunTelemetryAsync(CancellationToken token)
    {
        try
        {
            while (true)
            {
                var period = Settings.TelePeriod;

                // TelePeriod 0 turns telemetry off; the loop looks again now and then in case it is turned back on.
                await Task.Delay(TimeSpan.FromSeconds(period == 0 ? 10 : period), Time, token).ConfigureAwait(false);
                if (Settings.TelePeriod != 0)
                {
                    await PublishAsync(Publication.Live(_stateTopic, TasmotaPayloads.Telemetry(Settings, Time.GetUtcNow(), Time.GetElapsedTime(_bootedAt)))).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private static int? WholeNumber(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;

    [LoggerMessage(EventId = 131, Level = LogLevel.Information, Message = "{Topic} POWER={Power} Dimmer={Dimmer} CT={Ct} over {Seconds} s")]
    private static partial void LogApplied(ILogger logger, string topic, bool power, int dimmer, int ct, double seconds);

    /// <summary>What one command publishes, and why it was malformed if it was.</summary>
    private sealed record Outcome(IReadOnlyList<Publication> Replies, string? Problem);
}
