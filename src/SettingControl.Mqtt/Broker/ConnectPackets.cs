using System.Reflection;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace SettingControl.Mqtt.Broker;

/// <summary>
/// The CONNECT packet behind a connection being validated. MQTTnet 5 keeps it in a private field of
/// <see cref="ValidatingConnectionEventArgs"/>; it holds the last will's topic and, for MQTT 3.1.1, the only place
/// a broker-chosen client id can be written. Null if a newer MQTTnet moves it (a test connects in a way that fails then).
/// </summary>
internal static class ConnectPackets
{
    private static readonly FieldInfo? ConnectPacketField = typeof(ValidatingConnectionEventArgs)
        .GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
        .FirstOrDefault(f => f.FieldType == typeof(MqttConnectPacket));

    public static MqttConnectPacket? Of(ValidatingConnectionEventArgs e) => ConnectPacketField?.GetValue(e) as MqttConnectPacket;

    /// <summary>
    /// MQTT lets a client connect with an empty id and a clean session and have the broker pick one;
    /// mosquitto_sub does exactly that by default. MQTTnet 5 assigns an id only to MQTT 5 clients (through
    /// <see cref="ValidatingConnectionEventArgs.AssignedClientIdentifier"/>) and refuses MQTT 3.1.1 ones,
    /// so for those the id is written into the CONNECT packet that the event wraps. A test connects
    /// with an empty id over 3.1.1 and fails if a newer MQTTnet moves that packet.
    /// </summary>
    public static void AssignIdToAnonymousClient(ValidatingConnectionEventArgs e)
    {
        if (!string.IsNullOrEmpty(e.ClientId) || e.CleanSession != true)
        {
            return;
        }

        var assigned = "auto-" + Guid.NewGuid().ToString("N");
        e.AssignedClientIdentifier = assigned;
        if (Of(e) is { } packet)
        {
            packet.ClientId = assigned;
        }
    }
}
