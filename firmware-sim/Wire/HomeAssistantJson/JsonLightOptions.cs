using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.HomeAssistantJson;

/// <summary>
/// One simulated Home Assistant JSON light (an ESPHome CCT light with <c>schema: json</c>), with its own connection and
/// login, on the topics its firmware is configured with.
/// </summary>
public sealed record JsonLightOptions
{
    private readonly string? _clientId;

    /// <summary>Its name (ESPHome's <c>esphome: name:</c>), e.g. <c>reading-lamp</c>.</summary>
    public required string Name { get; init; }

    public required string CommandTopic { get; init; }

    public required string StateTopic { get; init; }

    /// <summary>Retained <see cref="PayloadAvailable"/> on connect, and the last will <see cref="PayloadNotAvailable"/>.</summary>
    public required string AvailabilityTopic { get; init; }

    public string PayloadAvailable { get; init; } = "online";

    public string PayloadNotAvailable { get; init; } = "offline";

    /// <summary>Its full brightness (Home Assistant's <c>brightness_scale</c>).</summary>
    public int BrightnessScale { get; init; } = 255;

    /// <summary>Its coldest white, in mireds (ESPHome's <c>cold_white_color_temperature</c>).</summary>
    public int MinMireds { get; init; } = 153;

    /// <summary>Its warmest white, in mireds (ESPHome's <c>warm_white_color_temperature</c>).</summary>
    public int MaxMireds { get; init; } = 500;

    /// <summary>How often a running transition reports where the light is (ESPHome reports the target at once; this shows the way there).</summary>
    public int ReportIntervalMs { get; init; } = 500;

    /// <summary>
    /// A power cut brings it back on at full brightness in its coldest white (ESPHome's <c>restore_mode: ALWAYS_ON</c>
    /// with the light's defaults), rather than as it was: what the controller must undo at once.
    /// </summary>
    public bool ComesBackAtFullWhite { get; init; }

    public MqttEndpoint Broker { get; init; } = new();

    /// <summary>
    /// A light on the topics an ESPHome configuration like the one in docs/devices.md gives it:
    /// <c>esphome/&lt;name&gt;/light/command</c> and <c>…/light/state</c>, availability on <c>esphome/&lt;name&gt;/status</c>.
    /// </summary>
    public static JsonLightOptions Esphome(string name) => new()
    {
        Name = name,
        CommandTopic = $"esphome/{name}/light/command",
        StateTopic = $"esphome/{name}/light/state",
        AvailabilityTopic = $"esphome/{name}/status",
    };

    /// <summary>ESPHome's <c>mqtt: client_id:</c>; by default the device id staff get when registering it under its name.</summary>
    public string ClientId
    {
        get => _clientId ?? $"jsonlight-{Name}";
        init => _clientId = value;
    }

    internal void Validate()
    {
        Broker.Validate();
        foreach (var (topic, name) in new[] { (CommandTopic, nameof(CommandTopic)), (StateTopic, nameof(StateTopic)), (AvailabilityTopic, nameof(AvailabilityTopic)) })
        {
            if (string.IsNullOrEmpty(topic) || topic.Any(c => c is '+' or '#' || char.IsControl(c)))
            {
                throw new ArgumentException($"{name} '{topic}' is not a topic to publish or subscribe to exactly.", name);
            }
        }

        if (BrightnessScale is < 1 or > 65_535)
        {
            throw new ArgumentException("BrightnessScale must be from 1 to 65535.", nameof(BrightnessScale));
        }

        // The shared light model carries mireds in this range.
        if (MinMireds < LightOutput.MinMireds || MaxMireds > LightOutput.MaxMireds || MinMireds >= MaxMireds)
        {
            throw new ArgumentException($"MinMireds and MaxMireds must be a range within {LightOutput.MinMireds}-{LightOutput.MaxMireds}.", nameof(MinMireds));
        }

        if (ReportIntervalMs is < 10 or > 60_000)
        {
            throw new ArgumentException("ReportIntervalMs must be from 10 to 60000.", nameof(ReportIntervalMs));
        }
    }
}
