using System.Buffers;
using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim.Wire;

/// <summary>One message the device publishes: always retained, QoS 1 (the device and its session decide how, the wire what).</summary>
internal readonly record struct WireMessage(string Topic, byte[] Payload);

/// <summary>
/// What one simulated device says on MQTT and how it reads its commands: topics and payloads, nothing about the
/// connection or the device's behaviour. Each device convention (SettingControl v1 today; Zigbee2MQTT and Tasmota
/// later) is one implementation beside the others, so adding one adds a file rather than a branch.
/// </summary>
internal interface IDeviceWire
{
    /// <summary>The topic the device subscribes to for commands.</summary>
    string CommandTopic { get; }

    /// <summary>The last will the broker publishes when the connection drops without a goodbye.</summary>
    WireMessage Will { get; }

    /// <summary>What a graceful stop publishes before disconnecting.</summary>
    WireMessage Offline { get; }

    /// <summary>Published after every (re)connect, in order, once subscribed.</summary>
    IReadOnlyList<WireMessage> Identity(DeviceSnapshot current);

    /// <summary>The report of the actual state.</summary>
    WireMessage State(DeviceSnapshot current);

    /// <summary>Whether a received message on <paramref name="topic"/> is a command for this device.</summary>
    bool IsCommandTopic(string topic);

    /// <summary>Reads a command payload into the model's command; a refusal carries the reason the device logs and counts.</summary>
    ParseResult<DeviceCommand> ParseCommand(ReadOnlySequence<byte> payload);

    /// <summary>One malformed message on one of the device's own topics (fault switch), chosen by <paramref name="random"/>.</summary>
    WireMessage Garbage(Random random);
}
