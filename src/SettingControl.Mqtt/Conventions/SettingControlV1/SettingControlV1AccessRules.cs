using SettingControl.DeviceProtocol;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions.SettingControlV1;

/// <summary>
/// The v1 topic ACL: a device publishes only its own announce/availability/state and subscribes only to its own set;
/// the controller alone publishes set (for any device) and reads everything under its base topic (so an operator with
/// its login can watch all traffic: <c>mosquitto_sub -t 'settingcontrol/#'</c>);
/// a gateway speaks for many devices but, like a device, never publishes set.
/// </summary>
public sealed class SettingControlV1AccessRules(DeviceTopics topics) : IBrokerAccessRules
{
    private string Devices => $"{topics.BaseTopic}/devices";

    public bool MayPublish(MqttPrincipal who, string topic)
    {
        if (!topics.TryParseInPlace(topic, out var deviceId, out var kind))
        {
            return false;
        }

        return who.Kind switch
        {
            MqttPrincipalKind.Controller => kind == DeviceTopicKind.Set,
            MqttPrincipalKind.Device => kind != DeviceTopicKind.Set && deviceId.SequenceEqual(who.Username),
            MqttPrincipalKind.Gateway => kind != DeviceTopicKind.Set,
            _ => false,
        };
    }

    public bool MaySubscribe(MqttPrincipal who, string filter)
    {
        switch (who.Kind)
        {
            case MqttPrincipalKind.Controller:
                // Any filter inside the base topic, wildcards included ("settingcontrol/#" too), nothing outside it.
                return filter.StartsWith(topics.BaseTopic + "/", StringComparison.Ordinal);
            case MqttPrincipalKind.Device:
                return filter == topics.Set(who.Username);
            case MqttPrincipalKind.Gateway:
                return filter == topics.FilterForAll(DeviceTopicKind.Set) ||
                       (topics.TryParse(filter, out _, out var kind) && kind == DeviceTopicKind.Set);
            default:
                return false;
        }
    }

    public IEnumerable<string> MosquittoControllerLines() =>
    [
        $"topic read {topics.BaseTopic}/#",
        $"topic write {Devices}/+/set",
    ];

    public IEnumerable<string> MosquittoGatewayLines() =>
    [
        $"topic write {Devices}/+/announce",
        $"topic write {Devices}/+/availability",
        $"topic write {Devices}/+/state",
        $"topic read {Devices}/+/set",
    ];

    public IEnumerable<string> MosquittoDevicePatterns() =>
    [
        $"pattern write {Devices}/%u/announce",
        $"pattern write {Devices}/%u/availability",
        $"pattern write {Devices}/%u/state",
        $"pattern read {Devices}/%u/set",
    ];
}
