using System.Buffers;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.HomeAssistantJson;

/// <summary>
/// Home Assistant's MQTT JSON light schema (docs/devices.md, "Home Assistant JSON lights"): ESPHome and custom
/// firmware, each light on its own connection with its own login, on the command, state and availability topics staff
/// registered for it. Only registered lights are heard and commanded: the controller subscribes to each one's state and
/// availability topics exactly, and sends one JSON command per change. A light's native fades are at most its
/// registered maxTransitionMs, announced so the controller steps longer fades.
/// </summary>
public sealed class JsonLightConvention : IDeviceConvention
{
    public const string ConventionName = "homeassistant-json";

    private readonly RegisteredDevices<JsonLightRegistration, JsonLightDevice> _lights;

    public JsonLightConvention(JsonLightDirectory directory)
    {
        _lights = new(directory, l => l.DeviceId, l => l.PublishedTopics, l => new JsonLightDevice(l), d => d.Registration);
        _lights.Changed += () => SubscriptionFiltersChanged?.Invoke();
        AccessRules = new JsonLightAccessRules(deviceId => _lights.ByDevice(deviceId)?.Registration, () => _lights.All.Select(d => d.Registration));
    }

    public string Name => ConventionName;

    public event Action? SubscriptionFiltersChanged;

    /// <summary>Each light's state and availability topics, exactly: no wildcard reaches anything else.</summary>
    public IReadOnlyList<string> SubscriptionFilters => _lights.Topics.Order(StringComparer.Ordinal).ToArray();

    public IBrokerAccessRules AccessRules { get; }

    /// <summary>"online", "offline" or "unknown" (never heard from since the controller started) for a registered light.</summary>
    public string AvailabilityOf(string deviceId) => _lights.ByDevice(deviceId)?.Availability ?? "unknown";

    public bool Claims(string deviceId) => _lights.ByDevice(deviceId) is not null;

    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        if (_lights.ByTopic(topic) is not { } light)
        {
            return ConventionParse.Dropped(DropReason.UnknownTopic);
        }

        var reason = ConventionPayload.TryRead(payload, out var bytes);
        if (reason != DropReason.None)
        {
            return ConventionParse.Dropped(reason);
        }

        return topic == light.Registration.StateTopic ? light.OnState(bytes) : light.OnAvailability(bytes);
    }

    /// <summary>The schema has no command ids: a QoS 1 redelivery of the same whole state is harmless.</summary>
    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId) =>
        _lights.ByDevice(command.DeviceId) is { Registration: var light }
            ? new OutboundRequest(light.CommandTopic, JsonLightPayloads.Command(command, light))
            : null;
}
