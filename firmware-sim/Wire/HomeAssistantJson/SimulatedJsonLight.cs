using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.HomeAssistantJson;

/// <summary>
/// One simulated Home Assistant JSON light as ESPHome plays it (<c>light:</c> with <c>schema: json</c>), on its own
/// connection: retained availability on connect with the opposite as its last will, commands
/// <c>{"state":"ON","brightness":…,"color_temp":…,"transition":…}</c> on its command topic, and its state retained on its
/// state topic, at once after a command, every report interval while a transition runs, and when it ends. Fades run on
/// the shared device model through <see cref="LightOutput"/>.
/// </summary>
/// <remarks>
/// Commands: <c>state</c> ON/OFF/TOGGLE (absent: unchanged), <c>brightness</c> 0–brightness_scale (0 switches off),
/// <c>color_temp</c> in mireds (clamped to the light's range, as ESPHome does), <c>transition</c> in seconds (fractions
/// allowed); other fields are ignored. A payload that is not a JSON object, or a field of the wrong type or out of
/// range, changes nothing and counts as malformed.
/// </remarks>
public sealed partial class SimulatedJsonLight : SimulatedClient
{
    /// <summary>The commands kept for <see cref="ReceivedCommands"/>: enough for a test to read a session's worth.</summary>
    private const int RememberedCommands = 200;

    private readonly JsonLightOptions _options;
    private readonly LightOutput _output;
    private readonly Lock _commandsLock = new();
    private readonly Queue<string> _commands = new();

    public SimulatedJsonLight(JsonLightOptions options, TimeProvider? time = null, ILogger? logger = null)
        : base(options?.ClientId ?? throw new ArgumentNullException(nameof(options)), time, logger)
    {
        options.Validate();
        _options = options;
        Will = Publication.Retained(options.AvailabilityTopic, options.PayloadNotAvailable);
        Subscriptions = [options.CommandTopic];

        // A fresh light is on at full white, as one straight out of the box.
        _output = new LightOutput(options.BrightnessScale, Time);
        _output.PowerOn(options.BrightnessScale, options.MinMireds);
    }

    public string Name => _options.Name;

    /// <summary>The actual output now: brightness on its scale and mireds (mid-fade values during a transition).</summary>
    public LightLevels Output => _output.Current;

    /// <summary>The command payloads it received, oldest first (the last <see cref="RememberedCommands"/>).</summary>
    public IReadOnlyList<string> ReceivedCommands
    {
        get
        {
            lock (_commandsLock)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>Commands that changed the output.</summary>
    public int AppliedCommandCount => _output.AppliedCount;

    private protected override MqttEndpoint Endpoint => _options.Broker;

    private protected override Publication Will { get; }

    private protected override IReadOnlyList<string> Subscriptions { get; }

    /// <summary>Availability, then the state, both retained, as ESPHome does on every MQTT connect.</summary>
    private protected override IReadOnlyList<Publication> Identity() =>
        [Publication.Retained(Will.Topic, _options.PayloadAvailable), StateNow()];

    private protected override IReadOnlyList<Publication> Goodbye() => [Will];

    private protected override bool IsCommandTopic(string topic) => topic == _options.CommandTopic;

    private protected override Publication Garbage(Random random) =>
        ConventionGarbage.Next(random, random.Next(2) == 0 ? Publication.Retained(Will.Topic, _options.PayloadAvailable) : StateNow());

    /// <summary>A power cut: back as it was (ESPHome restores the light from flash), or at full white when so switched.</summary>
    private protected override void OnRestarting()
    {
        if (_options.ComesBackAtFullWhite)
        {
            _output.PowerOn(_options.BrightnessScale, _options.MinMireds);
        }
    }

    private protected override async Task HandleCommandAsync(string topic, ReadOnlySequence<byte> payload)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload.ToArray());
        }
        catch (DecoderFallbackException)
        {
            CountMalformed(topic, "payload is not UTF-8");
            return;
        }

        lock (_commandsLock)
        {
            _commands.Enqueue(text);
            if (_commands.Count > RememberedCommands)
            {
                _commands.Dequeue();
            }
        }

        if (Read(text, out var problem) is not { } command)
        {
            CountMalformed(topic, $"{problem} ('{(text.Length > 80 ? text[..80] : text)}')");
            return;
        }

        var before = _output.Current;
        var on = command.Brightness == 0 ? false : command.Toggle ? !before.On : command.On ?? before.On;
        if (on && !before.On)
        {
            // A light switched on fades up from dark, as ESPHome's does.
            _output.Apply(on: null, level: 0, colorTempMireds: null, TimeSpan.Zero);
        }

        var moved = _output.Apply(on, on ? command.Brightness ?? (before.On ? null : LevelToComeBackAt(before)) : null, command.ColorTempMireds, command.Transition);
        LogApplied(Logger, Name, on, command.Brightness, command.ColorTempMireds, command.Transition.TotalSeconds);
        await PublishLatestAsync(StateNow).ConfigureAwait(false);
        if (moved.StartFadeLoop)
        {
            // A report every report interval while the transition runs, and the last one when it ends.
            _ = Task.Run(
                () => _output.FollowFadeAsync(Time, TimeSpan.FromMilliseconds(_options.ReportIntervalMs), _ => PublishLatestAsync(StateNow), () => PublishLatestAsync(StateNow), Disposing.Token),
                CancellationToken.None);
        }
    }

    /// <summary>Switched on without a brightness: the level it had, or full if it has none.</summary>
    private int LevelToComeBackAt(LightLevels before) => before.Level > 0 ? before.Level : _options.BrightnessScale;

    /// <summary>The command's fields, or null with the reason it changes nothing.</summary>
    private JsonLightCommand? Read(string text, out string problem)
    {
        problem = string.Empty;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            problem = "not JSON";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "not a JSON object";
                return null;
            }

            bool? on = null;
            var toggle = false;
            if (root.TryGetProperty("state", out var state))
            {
                switch (state.ValueKind == JsonValueKind.String ? state.GetString() : null)
                {
                    case "ON": on = true; break;
                    case "OFF": on = false; break;
                    case "TOGGLE": toggle = true; break;
                    default: problem = "state is not ON, OFF or TOGGLE"; return null;
                }
            }

            var brightness = Number(root, "brightness", 0, _options.BrightnessScale, ref problem);
            var mireds = Number(root, "color_temp", 0, 100_000, ref problem);
            var seconds = Number(root, "transition", 0, 3600, ref problem);
            if (problem.Length > 0)
            {
                return null;
            }

            return new JsonLightCommand(
                on,
                toggle,
                brightness is { } b ? (int)Math.Round(b) : null,
                mireds is { } m ? (int)Math.Clamp(Math.Round(m), _options.MinMireds, _options.MaxMireds) : null,
                TimeSpan.FromSeconds(seconds ?? 0));
        }
    }

    private static double? Number(JsonElement root, string name, double min, double max, ref string problem)
    {
        if (!root.TryGetProperty(name, out var field))
        {
            return null;
        }

        if (field.ValueKind != JsonValueKind.Number || !field.TryGetDouble(out var value) || value < min || value > max)
        {
            problem = $"{name} expects a number from {min} to {max}";
            return null;
        }

        return value;
    }

    private Publication StateNow() => Publication.Retained(_options.StateTopic, StatePayload(_output.Current));

    /// <summary>
    /// ESPHome's state of a colour-temperature light, its fields in ESPHome's order (an empty <c>color</c> object
    /// included); brightness only while on, mireds within its range.
    /// </summary>
    private string StatePayload(LightLevels levels)
    {
        var mireds = Math.Clamp(levels.ColorTempMireds, _options.MinMireds, _options.MaxMireds);
        return levels.On
            ? $$"""{"color_mode":"color_temp","state":"ON","brightness":{{levels.Level}},"color":{},"color_temp":{{mireds}}}"""
            : $$"""{"color_mode":"color_temp","state":"OFF","color":{},"color_temp":{{mireds}}}""";
    }

    [LoggerMessage(EventId = 141, Level = LogLevel.Information, Message = "{Light} state={On} brightness={Brightness} color_temp={ColorTemp} over {Seconds} s")]
    private static partial void LogApplied(ILogger logger, string light, bool on, int? brightness, int? colorTemp, double seconds);

    /// <summary>A command as read: null fields were not given.</summary>
    private sealed record JsonLightCommand(bool? On, bool Toggle, int? Brightness, int? ColorTempMireds, TimeSpan Transition);
}
