using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions;

/// <summary>
/// One convention's part of the topic ACL. <see cref="BrokerAccessPolicy"/> allows what any convention allows, so a
/// convention only ever speaks about its own topics and answers false for everything else.
/// </summary>
public interface IBrokerAccessRules
{
    bool MayPublish(MqttPrincipal who, string topic);

    bool MaySubscribe(MqttPrincipal who, string filter);

    /// <summary>Mosquitto ACL lines (<c>topic read|write …</c>) under the controller's <c>user</c> line.</summary>
    IEnumerable<string> MosquittoControllerLines();

    /// <summary>Mosquitto ACL lines (<c>topic read|write …</c>) under each gateway's <c>user</c> line.</summary>
    IEnumerable<string> MosquittoGatewayLines();

    /// <summary>Mosquitto ACL <c>pattern</c> lines for every device account, with <c>%u</c> standing for the device id.</summary>
    IEnumerable<string> MosquittoDevicePatterns();

    /// <summary>
    /// Mosquitto ACL lines under the <c>user</c> line of an account whose topics are its own (a bridge with its base
    /// topic in <see cref="MqttPrincipal.Scope"/>); nothing for accounts of other conventions.
    /// </summary>
    IEnumerable<string> MosquittoScopedLines(MqttPrincipal account) => [];

    /// <summary>
    /// The largest payload this convention lets <paramref name="who"/> publish on <paramref name="topic"/>, or 0 when
    /// it has nothing to say: a bridge's device list describes every bulb and is far larger than one device's state.
    /// </summary>
    int PayloadLimit(MqttPrincipal who, string topic) => 0;
}
