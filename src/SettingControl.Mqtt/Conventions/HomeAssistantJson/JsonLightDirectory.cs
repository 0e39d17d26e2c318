using System.Security.Cryptography;
using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions.Tasmota;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions.HomeAssistantJson;

/// <summary>
/// The facility's Home Assistant JSON lights (ESPHome and custom firmware), in one JSON file in the data directory.
/// Their topics are whatever staff configured on the device, so registering one checks that no other convention or
/// light already uses them (a message is routed by its topic alone), and issues its own broker login, allowed exactly
/// those topics.
/// </summary>
public sealed class JsonLightDirectory : DeviceRegistrations<JsonLightRegistration>
{
    public const string FileName = "json-lights.json";

    /// <summary>Every JSON light's device id starts so: no v1 device, bridge or Tasmota id looks like it by accident.</summary>
    public const string DeviceIdPrefix = "jsonlight-";

    /// <summary>Tasmota's topic prefixes: a light there would be heard as a Tasmota.</summary>
    private static readonly string[] TasmotaPrefixes = [TasmotaTopics.CommandPrefix, TasmotaTopics.StatPrefix, TasmotaTopics.TelePrefix];

    /// <summary>The name's part of a device id, so the id with its suffix stays within a device id's 64 characters.</summary>
    private const int MaxSlugLength = 40;

    private readonly string _reservedBaseTopic;
    private readonly BridgeDirectory _bridges;

    /// <param name="reservedBaseTopic">The SettingControl v1 base topic: no light's topic may be inside it.</param>
    public JsonLightDirectory(string directory, MqttAccountStore accounts, string reservedBaseTopic, BridgeDirectory bridges)
        : this(new SecretFileDocument(Path.Combine(directory, FileName)), accounts, reservedBaseTopic, bridges)
    {
    }

    /// <param name="document">Where the lights are kept: the data directory's file, or a cluster's shared row.</param>
    public JsonLightDirectory(IKeptDocument document, MqttAccountStore accounts, string reservedBaseTopic, BridgeDirectory bridges)
        : base(document, FileName, accounts, d => d.DeviceId)
    {
        _reservedBaseTopic = reservedBaseTopic;
        _bridges = bridges;

        // Read without the lock (a snapshot), so a bridge being registered never waits on a light being registered.
        bridges.TopicOwnerElsewhere = baseTopic =>
            Devices.FirstOrDefault(light => light.Topics.Any(topic => TopicTree.Overlaps(topic, baseTopic))) is { } light
                ? $"the Home Assistant JSON light \"{light.Name}\""
                : null;
        bridges.RefreshTopicOwnersElsewhere = () => Refresh();
    }

    /// <summary>Registers a light and issues its login. Returns the registration and its password (shown once), or why not.</summary>
    public (JsonLightRegistration? Light, string? Password, IReadOnlyList<RegistrationRefusal> Refusals) Register(JsonLightRequest request, DateTimeOffset now)
    {
        // In a cluster another node may have just registered a bridge: check against the newest, outside our lock.
        _bridges.Refresh();
        var refusals = new List<RegistrationRefusal>();
        var name = CheckName(request.Name, "Give the light a name of 1 to 80 characters, such as \"Reading lamp\".", refusals);
        var scale = CheckRange(request.BrightnessScale, JsonLightDefaults.BrightnessScale, 1, JsonLightDefaults.MaxBrightnessScale, "brightnessScale", refusals);
        var minMireds = CheckRange(request.MinMireds, JsonLightDefaults.MinMireds, JsonLightDefaults.LowestMireds, JsonLightDefaults.HighestMireds - 1, "minMireds", refusals);
        var maxMireds = CheckRange(request.MaxMireds, JsonLightDefaults.MaxMireds, JsonLightDefaults.LowestMireds + 1, JsonLightDefaults.HighestMireds, "maxMireds", refusals);
        if (minMireds >= maxMireds)
        {
            refusals.Add(new("maxMireds", $"maxMireds ({maxMireds}) must be above minMireds ({minMireds})."));
        }

        var maxTransitionMs = CheckRange(request.MaxTransitionMs, JsonLightDefaults.MaxTransitionMs, 0, JsonLightDefaults.LongestTransitionMs, "maxTransitionMs", refusals);
        var available = CheckPayload(request.PayloadAvailable, JsonLightDefaults.PayloadAvailable, "payloadAvailable", refusals);
        var notAvailable = CheckPayload(request.PayloadNotAvailable, JsonLightDefaults.PayloadNotAvailable, "payloadNotAvailable", refusals);
        if (available == notAvailable)
        {
            refusals.Add(new("payloadNotAvailable", "payloadAvailable and payloadNotAvailable must differ."));
        }

        var topics = new List<(string Field, string Topic)>();
        CheckTopicForm(request.CommandTopic, "commandTopic", required: true, topics, refusals);
        CheckTopicForm(request.StateTopic, "stateTopic", required: true, topics, refusals);
        CheckTopicForm(request.AvailabilityTopic, "availabilityTopic", required: false, topics, refusals);
        foreach (var repeated in topics.GroupBy(t => t.Topic, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            refusals.Add(new(repeated.Last().Field, $"\"{repeated.Key}\" is given for both {string.Join(" and ", repeated.Select(t => t.Field))}: each topic has one job."));
        }

        JsonLightRegistration registration;
        string password;
        lock (Lock)
        {
            RefreshLocked();
            foreach (var (field, topic) in topics)
            {
                CheckTopicIsFree(field, topic, refusals);
            }

            if (refusals.Count > 0)
            {
                return (null, null, refusals);
            }

            registration = new JsonLightRegistration(
                NewDeviceId(name), name, request.CommandTopic!, request.StateTopic!, request.AvailabilityTopic, available, notAvailable,
                scale, minMireds, maxMireds, maxTransitionMs, now);
            password = Accounts.IssueJsonLight(registration.DeviceId);
            SaveWithNewLogin([.. Devices, registration], registration.DeviceId);
        }

        OnChanged();
        return (registration, password, []);
    }

    /// <summary>
    /// A topic we put into subscriptions, ACL checks and Mosquitto's ACL file: 1 to 200 characters, no wildcard
    /// (<c>+</c>, <c>#</c>), not a broker topic (<c>$SYS</c>) or a leading empty level, and no NUL, other control
    /// characters or whitespace (a generated Mosquitto ACL line must mean exactly one topic; real firmware never uses them).
    /// </summary>
    public static bool IsUsableTopic(string? topic) =>
        !string.IsNullOrEmpty(topic) && topic.Length <= JsonLightDefaults.MaxTopicLength &&
        !topic.StartsWith('$') && !topic.StartsWith('/') &&
        !topic.Any(c => c is '+' or '#' || char.IsControl(c) || char.IsWhiteSpace(c));

    private static void CheckTopicForm(string? topic, string field, bool required, List<(string, string)> topics, List<RegistrationRefusal> refusals)
    {
        if (topic is null && !required)
        {
            return;
        }

        if (!IsUsableTopic(topic))
        {
            refusals.Add(new(field, $"The {field} must be the topic the light is configured with: 1 to {JsonLightDefaults.MaxTopicLength} characters, " +
                                    "no '+', '#', spaces or control characters, not starting with '$' or '/', such as \"esphome/reading-lamp/light/state\"."));
            return;
        }

        topics.Add((field, topic!));
    }

    /// <summary>Whether the topic is already another convention's or another light's (under <see cref="DeviceRegistrations{T}.Lock"/>).</summary>
    private void CheckTopicIsFree(string field, string topic, List<RegistrationRefusal> refusals)
    {
        if (TopicTree.Overlaps(topic, _reservedBaseTopic))
        {
            refusals.Add(new(field, $"\"{topic}\" is inside the controller's own topics (\"{_reservedBaseTopic}/…\")."));
        }
        else if (TasmotaPrefixes.FirstOrDefault(p => TopicTree.Overlaps(topic, p)) is { } tasmota)
        {
            refusals.Add(new(field, $"\"{topic}\" is inside Tasmota's topics (\"{tasmota}/…\")."));
        }
        else if (_bridges.List().FirstOrDefault(b => TopicTree.Overlaps(topic, b.BaseTopic)) is { } bridge)
        {
            refusals.Add(new(field, $"\"{topic}\" is inside the topics of the Zigbee2MQTT bridge \"{bridge.Name}\" (\"{bridge.BaseTopic}/…\")."));
        }
        else if (Devices.FirstOrDefault(d => d.Topics.Contains(topic, StringComparer.Ordinal)) is { } same)
        {
            refusals.Add(new(field, $"\"{topic}\" is already a topic of the light \"{same.Name}\".", Conflict: true));
        }
        else if (Devices.FirstOrDefault(d => d.Topics.Any(t => TopicTree.Overlaps(t, topic))) is { } nested)
        {
            // Not a clash on the wire (topics are matched exactly), but a Mosquitto or Zigbee2MQTT user reading the
            // tree would take one light's topic for a level of the other's.
            refusals.Add(new(field, $"\"{topic}\" is nested with a topic of the light \"{nested.Name}\"."));
        }
    }

    private static int CheckRange(int? value, int defaultValue, int min, int max, string field, List<RegistrationRefusal> refusals)
    {
        if (value is { } given && (given < min || given > max))
        {
            refusals.Add(new(field, $"{field} must be from {min} to {max}."));
        }

        return value ?? defaultValue;
    }

    private static string CheckPayload(string? payload, string defaultValue, string field, List<RegistrationRefusal> refusals)
    {
        if (payload is not null && (payload.Length is 0 or > JsonLightDefaults.MaxPayloadLength || payload.Any(char.IsControl)))
        {
            refusals.Add(new(field, $"{field} must be 1 to {JsonLightDefaults.MaxPayloadLength} characters without control characters, such as \"{defaultValue}\"."));
        }

        return payload ?? defaultValue;
    }

    /// <summary>
    /// <c>jsonlight-</c> and the name as a slug ("Reading lamp" is <c>jsonlight-reading-lamp</c>); a short random
    /// suffix when the name gives no slug or it is taken. The id is fixed at registration, so renaming the light on the
    /// device or moving its topics never makes it a new device.
    /// </summary>
    private string NewDeviceId(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var trimmed = slug.ToString().Trim('-');
        var stem = DeviceIdPrefix + (trimmed.Length > MaxSlugLength ? trimmed[..MaxSlugLength].TrimEnd('-') : trimmed);
        var id = trimmed.Length > 0 ? stem : null;
        while (id is null || Devices.Any(d => d.DeviceId == id) || Accounts.Has(id) || !DeviceIds.IsValid(id))
        {
            id = $"{stem.TrimEnd('-')}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        }

        return id;
    }
}
