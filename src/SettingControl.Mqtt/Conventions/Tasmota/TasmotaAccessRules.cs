using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>
/// The Tasmota topic ACL. A Tasmota login (its topic in <see cref="MqttPrincipal.Scope"/>) publishes only under its own
/// <c>stat/&lt;topic&gt;/</c> and <c>tele/&lt;topic&gt;/</c> and subscribes only under its own <c>cmnd/&lt;topic&gt;/</c>;
/// the controller alone publishes <c>cmnd</c>, and only to registered devices, and reads their <c>stat</c> and
/// <c>tele</c>. One Tasmota never reaches another's topics, and nobody else has any right there.
/// </summary>
/// <param name="topics">The registered devices' Tasmota topics, now.</param>
public sealed class TasmotaAccessRules(Func<IReadOnlyCollection<string>> topics) : IBrokerAccessRules
{
    public bool MayPublish(MqttPrincipal who, string topic) => who.Kind switch
    {
        MqttPrincipalKind.Tasmota => who.Scope is { } own &&
                                     (TasmotaTopics.DeviceTopicBelow(TasmotaTopics.StatPrefix, topic) == own ||
                                      TasmotaTopics.DeviceTopicBelow(TasmotaTopics.TelePrefix, topic) == own),
        MqttPrincipalKind.Controller => TasmotaTopics.DeviceTopicBelow(TasmotaTopics.CommandPrefix, topic) is { } device && topics().Contains(device),
        _ => false,
    };

    public bool MaySubscribe(MqttPrincipal who, string filter) => who.Kind switch
    {
        MqttPrincipalKind.Tasmota => who.Scope is { } own && TasmotaTopics.DeviceTopicBelow(TasmotaTopics.CommandPrefix, filter) == own,
        MqttPrincipalKind.Controller => (TasmotaTopics.DeviceTopicBelow(TasmotaTopics.StatPrefix, filter) ?? TasmotaTopics.DeviceTopicBelow(TasmotaTopics.TelePrefix, filter)) is { } device &&
                                        topics().Contains(device),
        _ => false,
    };

    public IEnumerable<string> MosquittoControllerLines()
    {
        foreach (var topic in topics().Order(StringComparer.Ordinal))
        {
            yield return $"topic read {TasmotaTopics.StatPrefix}/{topic}/#";
            yield return $"topic read {TasmotaTopics.TelePrefix}/{topic}/#";
            yield return $"topic write {TasmotaTopics.CommandPrefix}/{topic}/#";
        }
    }

    public IEnumerable<string> MosquittoGatewayLines() => [];

    public IEnumerable<string> MosquittoDevicePatterns() => [];

    public IEnumerable<string> MosquittoScopedLines(MqttPrincipal account)
    {
        if (account.Kind != MqttPrincipalKind.Tasmota || account.Scope is not { } own)
        {
            yield break;
        }

        yield return $"topic write {TasmotaTopics.StatPrefix}/{own}/#";
        yield return $"topic write {TasmotaTopics.TelePrefix}/{own}/#";
        yield return $"topic read {TasmotaTopics.CommandPrefix}/{own}/#";
    }
}
