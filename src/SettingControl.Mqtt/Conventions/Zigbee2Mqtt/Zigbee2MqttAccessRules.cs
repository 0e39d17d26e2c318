using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>
/// The Zigbee2MQTT topic ACL. A bridge publishes anything under its own base topic except its bulbs' <c>set</c> and
/// <c>get</c> and its own <c>bridge/request/…</c> (only the controller commands bulbs and asks the bridge for things), and
/// subscribes under its base topic. The controller publishes only <c>set</c> and <c>get</c> there and reads everything.
/// Nobody else has any right under a bridge's base topic: one bridge never reaches another bridge's bulbs.
/// </summary>
/// <param name="baseTopics">The registered bridges' base topics, now.</param>
/// <param name="friendlyNames">The friendly names a bridge lists now, by base topic (for the Mosquitto ACL).</param>
public sealed class Zigbee2MqttAccessRules(Func<IEnumerable<string>> baseTopics, Func<string, IEnumerable<string>> friendlyNames) : IBrokerAccessRules
{
    /// <summary>
    /// How deep friendly names with '/' go in the generated Mosquitto ACL (Mosquitto has no "every level but set", so
    /// each depth is a line of its own; see <see cref="MosquittoScopedLines"/>).
    /// </summary>
    public const int MosquittoNameLevels = 4;

    public bool MayPublish(MqttPrincipal who, string topic)
    {
        switch (who.Kind)
        {
            case MqttPrincipalKind.Bridge:
                return who.Scope is { } scope && Below(scope, topic) is { } rest && !Zigbee2MqttTopics.IsControllerTopic(rest);
            case MqttPrincipalKind.Controller:
                return BridgeOf(topic) is { } baseTopic && Below(baseTopic, topic) is { } own &&
                       !own.StartsWith("bridge/", StringComparison.Ordinal) && Zigbee2MqttTopics.IsControllerTopic(own);
            default:
                return false;
        }
    }

    public bool MaySubscribe(MqttPrincipal who, string filter) => who.Kind switch
    {
        MqttPrincipalKind.Bridge => who.Scope is { } scope && Below(scope, filter) is not null,
        MqttPrincipalKind.Controller => BridgeOf(filter) is not null,
        _ => false,
    };

    public int PayloadLimit(MqttPrincipal who, string topic) =>
        who.Kind == MqttPrincipalKind.Bridge && who.Scope is { } scope && Below(scope, topic) is "bridge/devices" or "bridge/groups" or "bridge/definitions"
            ? Zigbee2MqttConvention.MaxBridgePayloadBytes
            : 0;

    public IEnumerable<string> MosquittoControllerLines()
    {
        foreach (var baseTopic in baseTopics())
        {
            yield return $"topic read {baseTopic}/#";
            var levels = "+";
            for (var depth = 1; depth <= MosquittoNameLevels; depth++, levels += "/+")
            {
                yield return $"topic write {baseTopic}/{levels}/set";
                yield return $"topic write {baseTopic}/{levels}/get";
            }
        }
    }

    public IEnumerable<string> MosquittoGatewayLines() => [];

    public IEnumerable<string> MosquittoDevicePatterns() => [];

    /// <summary>
    /// Mosquitto cannot say "any level but set", so the bridge's rights are spelled out: its own bridge topics, each
    /// bulb's availability, and the state of single-level friendly names. A name with '/' has its state on a topic of
    /// the same shape as another bulb's <c>set</c>, so on Mosquitto such names get their state line only when the
    /// ACL is generated after they are known (the embedded broker tells the two apart on every publish).
    /// </summary>
    public IEnumerable<string> MosquittoScopedLines(MqttPrincipal account)
    {
        if (account.Kind != MqttPrincipalKind.Bridge || account.Scope is not { } scope)
        {
            yield break;
        }

        yield return $"topic read {scope}/#";
        yield return $"topic write {scope}/bridge/state";
        yield return $"topic write {scope}/bridge/info";
        yield return $"topic write {scope}/bridge/devices";
        yield return $"topic write {scope}/bridge/groups";
        yield return $"topic write {scope}/bridge/event";
        yield return $"topic write {scope}/bridge/definitions";
        yield return $"topic write {scope}/bridge/extensions";
        yield return $"topic write {scope}/bridge/logging";
        yield return $"topic write {scope}/bridge/response/#";
        yield return $"topic write {scope}/+";
        foreach (var name in friendlyNames(scope).Where(n => n.Contains('/')).Order(StringComparer.Ordinal))
        {
            yield return $"topic write {scope}/{name}";
        }

        var levels = "+";
        for (var depth = 1; depth <= MosquittoNameLevels; depth++, levels += "/+")
        {
            yield return $"topic write {scope}/{levels}/availability";
        }
    }

    /// <summary>The part of <paramref name="topic"/> below <paramref name="baseTopic"/>, or null when it is not below it.</summary>
    private static string? Below(string baseTopic, string topic) =>
        topic.Length > baseTopic.Length + 1 && topic[baseTopic.Length] == '/' && topic.StartsWith(baseTopic, StringComparison.Ordinal)
            ? topic[(baseTopic.Length + 1)..]
            : null;

    private string? BridgeOf(string topic) => baseTopics().FirstOrDefault(b => Below(b, topic) is not null);
}
