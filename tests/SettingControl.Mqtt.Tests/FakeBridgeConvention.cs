using System.Buffers;
using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Tests;

/// <summary>
/// A second convention shaped like a bridge (Zigbee2MQTT's <c>bridge/devices</c>): one message on
/// <c>bridge/devices</c> lists many devices ("a,b" announces a and b), <c>bridge/&lt;id&gt;/availability</c> is one
/// device; commands go to <c>bridge/&lt;id&gt;/set</c>. The gateway account named "bridge" may publish under it.
/// </summary>
public sealed class FakeBridgeConvention : IDeviceConvention, IBrokerAccessRules
{
    public string Name => "fake-bridge";

    public IReadOnlyList<string> SubscriptionFilters { get; } = ["bridge/devices", "bridge/+/availability"];

    public IBrokerAccessRules AccessRules => this;

    public event Action? SubscriptionFiltersChanged
    {
        add { }
        remove { }
    }

    public bool Claims(string deviceId) => false;

    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        if (topic == "bridge/devices")
        {
            return new ConventionParse(
                text.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(id => (InboundDeviceMessage)new InboundDeviceMessage.Announced(id, new(id, "light", "bridged", "1", null, null, null)))
                    .ToArray(),
                DropReason.None,
                []);
        }

        return text is "online" or "offline"
            ? ConventionParse.Of(new InboundDeviceMessage.AvailabilityChanged(topic.Split('/')[1], text == "online"))
            : ConventionParse.Dropped(DropReason.UnknownValue);
    }

    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId) =>
        new OutboundRequest($"bridge/{command.DeviceId}/set", Encoding.UTF8.GetBytes(command.On ? "ON" : "OFF"));

    public bool MayPublish(MqttPrincipal who, string topic) =>
        topic.StartsWith("bridge/", StringComparison.Ordinal) &&
        (who.Kind == MqttPrincipalKind.Gateway ? !topic.EndsWith("/set", StringComparison.Ordinal) : who.Kind == MqttPrincipalKind.Controller && topic.EndsWith("/set", StringComparison.Ordinal));

    public bool MaySubscribe(MqttPrincipal who, string filter) =>
        who.Kind == MqttPrincipalKind.Controller && filter.StartsWith("bridge/", StringComparison.Ordinal);

    public IEnumerable<string> MosquittoControllerLines() => ["topic read bridge/#", "topic write bridge/+/set"];

    public IEnumerable<string> MosquittoGatewayLines() => ["topic write bridge/#"];

    public IEnumerable<string> MosquittoDevicePatterns() => [];
}
