using SettingControl.Contracts;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Conventions.HomeAssistantJson;

/// <summary>
/// One registered JSON light as the controller hears it: whether it is online, announced once from the first thing it
/// says. With an availability topic, only that topic says online or offline: ESPHome retains its state, so a retained
/// state from before a power cut must not make a dead light look online. Without one, a light that reports is online.
/// </summary>
internal sealed class JsonLightDevice(JsonLightRegistration registration)
{
    /// <summary>How often a light that cannot fade is stepped through a long fade.</summary>
    public const int InstantStepMs = 1000;

    private readonly Lock _lock = new();
    private bool _announced;
    private bool? _online;

    public JsonLightRegistration Registration => registration;

    /// <summary>"online", "offline" or "unknown" (never heard from).</summary>
    public string Availability
    {
        get
        {
            lock (_lock)
            {
                return _online switch { true => "online", false => "offline", null => "unknown" };
            }
        }
    }

    public ConventionParse OnAvailability(ReadOnlySpan<byte> payload)
    {
        if (!JsonLightPayloads.TryParseAvailability(payload, registration, out var online))
        {
            return ConventionParse.Dropped(DropReason.UnknownValue);
        }

        lock (_lock)
        {
            _online = online;
            var messages = new List<InboundDeviceMessage>();
            InboundDeviceMessage.Announced.Once(ref _announced, messages, Announcement);
            messages.Add(new InboundDeviceMessage.AvailabilityChanged(registration.DeviceId, online));
            return ConventionParse.Of([.. messages]);
        }
    }

    public ConventionParse OnState(ReadOnlySpan<byte> payload)
    {
        var reason = JsonLightPayloads.TryParseState(payload, registration, out var state);
        if (reason != DropReason.None)
        {
            return ConventionParse.Dropped(reason);
        }

        lock (_lock)
        {
            var messages = new List<InboundDeviceMessage>();
            InboundDeviceMessage.Announced.Once(ref _announced, messages, Announcement);
            if (registration.AvailabilityTopic is null && _online != true)
            {
                _online = true;
                messages.Add(new InboundDeviceMessage.AvailabilityChanged(registration.DeviceId, true));
            }

            messages.Add(new InboundDeviceMessage.StateReported(registration.DeviceId, state));
            return ConventionParse.Of([.. messages]);
        }
    }

    /// <summary>
    /// The light's range in kelvin, and the longest fade it runs: the controller steps longer fades at that length. A
    /// light that cannot fade is stepped every second, each step instant.
    /// </summary>
    private DeviceAnnouncement Announcement() => new(
        registration.DeviceId,
        DeviceKinds.Light,
        "Home Assistant JSON light",
        string.Empty,
        LightValues.ToRoomKelvin(registration.MaxMireds),
        LightValues.ToRoomKelvin(registration.MinMireds),
        registration.MaxTransitionMs > 0 ? registration.MaxTransitionMs : InstantStepMs,
        JsonLightConvention.ConventionName,
        registration.Name,
        null);
}
