using System.Text.Json.Serialization;

namespace SettingControl.Mqtt.Conventions.HomeAssistantJson;

/// <summary>
/// A Home Assistant JSON light staff registered: its topics and payloads exactly as its firmware is configured (ESPHome's
/// <c>mqtt:</c> and <c>light:</c>), and the ranges it speaks in. Its device id is also its broker username.
/// </summary>
/// <param name="AvailabilityTopic">Null when the light has none: it then counts online once it reports its state.</param>
/// <param name="BrightnessScale">The light's full brightness (Home Assistant's <c>brightness_scale</c>, 255 by default).</param>
/// <param name="MaxTransitionMs">The longest fade the light runs itself; the controller steps longer ones. 0: it cannot fade.</param>
/// <remarks>Not sealed: the staff API answers with it, plus the login and availability (one list of fields, not two).</remarks>
public record JsonLightRegistration(
    string DeviceId,
    string Name,
    string CommandTopic,
    string StateTopic,
    string? AvailabilityTopic,
    string PayloadAvailable,
    string PayloadNotAvailable,
    int BrightnessScale,
    int MinMireds,
    int MaxMireds,
    int MaxTransitionMs,
    DateTimeOffset CreatedAt)
{
    /// <summary>The topics the light publishes: what the controller subscribes to.</summary>
    [JsonIgnore]
    public IEnumerable<string> PublishedTopics => AvailabilityTopic is null ? [StateTopic] : [StateTopic, AvailabilityTopic];

    /// <summary>Every topic this light uses, which no other light or convention may use.</summary>
    [JsonIgnore]
    public IEnumerable<string> Topics => [CommandTopic, .. PublishedTopics];
}

/// <summary>What staff ask for when registering a light; null fields take <see cref="JsonLightDefaults"/>.</summary>
public sealed record JsonLightRequest(
    string? Name,
    string? CommandTopic,
    string? StateTopic,
    string? AvailabilityTopic = null,
    string? PayloadAvailable = null,
    string? PayloadNotAvailable = null,
    int? BrightnessScale = null,
    int? MinMireds = null,
    int? MaxMireds = null,
    int? MaxTransitionMs = null);

/// <summary>Home Assistant's own defaults for an MQTT JSON light (and ESPHome's), and the limits staff may set.</summary>
public static class JsonLightDefaults
{
    public const string PayloadAvailable = "online";
    public const string PayloadNotAvailable = "offline";
    public const int BrightnessScale = 255;
    public const int MinMireds = 153;
    public const int MaxMireds = 500;

    /// <summary>30 s: long enough for a scene change, short enough that a stepped 20-minute ramp still moves smoothly.</summary>
    public const int MaxTransitionMs = 30_000;

    public const int MaxTopicLength = 200;
    public const int MaxBrightnessScale = 65_535;
    public const int LowestMireds = 100;
    public const int HighestMireds = 1000;
    public const int LongestTransitionMs = 3_600_000;
    public const int MaxPayloadLength = 64;
}
