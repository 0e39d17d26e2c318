using SettingControl.Mqtt.Conventions;

namespace SettingControl.Mqtt.Security;

/// <summary>Who is on the other end of a broker connection.</summary>
public readonly record struct MqttPrincipal(string Username, MqttPrincipalKind Kind);

public enum MqttPrincipalKind
{
    Controller,
    Device,
    Gateway,
}

/// <summary>
/// The topic ACL, in one place, for the embedded broker (checked per publish and subscribe) and for the Mosquitto
/// ACL file generated from the same rules (<see cref="MosquittoConfig"/>). Each device convention brings the rules
/// for its own topics (<see cref="IBrokerAccessRules"/>); an account may do what any convention allows it, and
/// nothing outside every convention's topics.
/// </summary>
public sealed class BrokerAccessPolicy(IEnumerable<IBrokerAccessRules> conventions)
{
    private readonly IBrokerAccessRules[] _conventions = conventions.ToArray();

    public IReadOnlyList<IBrokerAccessRules> Conventions => _conventions;

    public bool MayPublish(MqttPrincipal who, string topic) => _conventions.Any(c => c.MayPublish(who, topic));

    public bool MaySubscribe(MqttPrincipal who, string filter) => _conventions.Any(c => c.MaySubscribe(who, filter));
}
