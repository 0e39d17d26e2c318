using SettingControl.Mqtt.Conventions;

namespace SettingControl.Mqtt.Security;

/// <summary>
/// Who is on the other end of a broker connection. <see cref="Scope"/> is the topic an account's rights are bound to
/// when that is not its username: a bridge's base topic.
/// </summary>
public readonly record struct MqttPrincipal(string Username, MqttPrincipalKind Kind, string? Scope = null);

public enum MqttPrincipalKind
{
    Controller,
    Device,
    Gateway,

    /// <summary>A Zigbee2MQTT bridge: speaks for its bulbs under its own base topic (<see cref="MqttPrincipal.Scope"/>) and nowhere else.</summary>
    Bridge,

    /// <summary>A Tasmota device: its own <c>cmnd</c>/<c>stat</c>/<c>tele</c> topics, its Tasmota topic in <see cref="MqttPrincipal.Scope"/>.</summary>
    Tasmota,

    /// <summary>A Home Assistant JSON light: the command, state and availability topics its registration names (looked up by username).</summary>
    JsonLight,
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

    // Loops, not LINQ: the broker asks on every publish, and a closure per message is garbage per message.
    public bool MayPublish(MqttPrincipal who, string topic)
    {
        foreach (var convention in _conventions)
        {
            if (convention.MayPublish(who, topic))
            {
                return true;
            }
        }

        return false;
    }

    public bool MaySubscribe(MqttPrincipal who, string filter) => _conventions.Any(c => c.MaySubscribe(who, filter));

    /// <summary>The largest payload <paramref name="who"/> may publish on <paramref name="topic"/>: a device's limit unless a convention allows more.</summary>
    public int PayloadLimit(MqttPrincipal who, string topic)
    {
        var limit = DefaultPayloadLimit;
        foreach (var convention in _conventions)
        {
            limit = Math.Max(limit, convention.PayloadLimit(who, topic));
        }

        return limit;
    }

    /// <summary>What one device message may carry (the device protocol's limit).</summary>
    public const int DefaultPayloadLimit = SettingControl.DeviceProtocol.PayloadParser.MaxPayloadBytes;
}
