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

    private readonly JsonLightDirectory _directory;
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, JsonLightDevice> _byPublishedTopic = new Dictionary<string, JsonLightDevice>(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, JsonLightDevice> _byDevice = new Dictionary<string, JsonLightDevice>(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, JsonLightRegistration> _registrations = new Dictionary<string, JsonLightRegistration>(StringComparer.Ordinal);

    public JsonLightConvention(JsonLightDirectory directory)
    {
        _directory = directory;
        AccessRules = new JsonLightAccessRules(() => Registrations);
        Refresh();
        directory.Changed += () =>
        {
            Refresh();
            SubscriptionFiltersChanged?.Invoke();
        };
    }

    public string Name => ConventionName;

    public event Action? SubscriptionFiltersChanged;

    /// <summary>Each light's state and availability topics, exactly: no wildcard reaches anything else.</summary>
    public IReadOnlyList<string> SubscriptionFilters
    {
        get
        {
            lock (_lock)
            {
                return _byPublishedTopic.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    public IBrokerAccessRules AccessRules { get; }

    private IReadOnlyDictionary<string, JsonLightRegistration> Registrations
    {
        get
        {
            lock (_lock)
            {
                return _registrations;
            }
        }
    }

    /// <summary>"online", "offline" or "unknown" (never heard from since the controller started) for a registered light.</summary>
    public string AvailabilityOf(string deviceId)
    {
        lock (_lock)
        {
            return _byDevice.TryGetValue(deviceId, out var light) ? light.Availability : "unknown";
        }
    }

    public bool Claims(string deviceId)
    {
        lock (_lock)
        {
            return _byDevice.ContainsKey(deviceId);
        }
    }

    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        JsonLightDevice? light;
        lock (_lock)
        {
            _byPublishedTopic.TryGetValue(topic, out light);
        }

        if (light is null)
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

    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId)
    {
        JsonLightDevice? light;
        lock (_lock)
        {
            _byDevice.TryGetValue(command.DeviceId, out light);
        }

        // The schema has no command ids: a QoS 1 redelivery of the same whole state is harmless.
        return light is null ? null : new OutboundRequest(light.Registration.CommandTopic, JsonLightPayloads.Command(command, light.Registration));
    }

    /// <summary>Keeps what is known of lights still registered unchanged; a new light starts unknown until it says something.</summary>
    private void Refresh()
    {
        lock (_lock)
        {
            var byDevice = new Dictionary<string, JsonLightDevice>(StringComparer.Ordinal);
            foreach (var registration in _directory.List())
            {
                byDevice[registration.DeviceId] = _byDevice.TryGetValue(registration.DeviceId, out var known) && known.Registration == registration
                    ? known
                    : new JsonLightDevice(registration);
            }

            _byDevice = byDevice;
            _byPublishedTopic = byDevice.Values
                .SelectMany(light => light.Registration.PublishedTopics.Select(topic => (topic, light)))
                .ToDictionary(p => p.topic, p => p.light, StringComparer.Ordinal);
            _registrations = byDevice.ToDictionary(p => p.Key, p => p.Value.Registration, StringComparer.Ordinal);
        }
    }
}
