using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions.HomeAssistantJson;

/// <summary>
/// The Home Assistant JSON lights' topic ACL. A light's login (looked up by its username, the device id) subscribes to
/// its own command topic and publishes its own state and availability topics, exactly; the controller alone publishes
/// the command topics and reads the state and availability topics. Nobody else has any right on them.
/// </summary>
/// <param name="lightOf">The registered light whose device id (and username) this is, now; null for none.</param>
/// <param name="lights">The registered lights, now.</param>
public sealed class JsonLightAccessRules(Func<string, JsonLightRegistration?> lightOf, Func<IEnumerable<JsonLightRegistration>> lights) : IBrokerAccessRules
{
    public bool MayPublish(MqttPrincipal who, string topic) => who.Kind switch
    {
        MqttPrincipalKind.JsonLight => Own(who) is { } light && light.PublishedTopics.Contains(topic, StringComparer.Ordinal),
        MqttPrincipalKind.Controller => lights().Any(l => l.CommandTopic == topic),
        _ => false,
    };

    public bool MaySubscribe(MqttPrincipal who, string filter) => who.Kind switch
    {
        MqttPrincipalKind.JsonLight => Own(who) is { } light && light.CommandTopic == filter,
        MqttPrincipalKind.Controller => lights().Any(l => l.PublishedTopics.Contains(filter, StringComparer.Ordinal)),
        _ => false,
    };

    public IEnumerable<string> MosquittoControllerLines()
    {
        foreach (var light in lights().OrderBy(l => l.DeviceId, StringComparer.Ordinal))
        {
            foreach (var topic in light.PublishedTopics)
            {
                yield return $"topic read {topic}";
            }

            yield return $"topic write {light.CommandTopic}";
        }
    }

    public IEnumerable<string> MosquittoGatewayLines() => [];

    public IEnumerable<string> MosquittoDevicePatterns() => [];

    public IEnumerable<string> MosquittoScopedLines(MqttPrincipal account)
    {
        if (account.Kind != MqttPrincipalKind.JsonLight || Own(account) is not { } light)
        {
            yield break;
        }

        foreach (var topic in light.PublishedTopics)
        {
            yield return $"topic write {topic}";
        }

        yield return $"topic read {light.CommandTopic}";
    }

    private JsonLightRegistration? Own(MqttPrincipal who) => lightOf(who.Username);
}
