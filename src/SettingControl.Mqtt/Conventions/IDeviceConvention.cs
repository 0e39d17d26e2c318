using System.Buffers;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions;

/// <summary>
/// One way devices speak MQTT (SettingControl v1 now; Zigbee2MQTT's and Tasmota's next). The room grain asks for
/// "this device should show X"; the convention owns everything on the wire for it: which topics the controller
/// subscribes to, how one message becomes device messages, how a command becomes a topic and payload, and which
/// topics each broker account may use. Like Home Assistant's MQTT light, which picks a schema class per entity,
/// <see cref="DeviceConventionRegistry"/> picks a convention per device.
/// </summary>
public interface IDeviceConvention
{
    /// <summary>A stable short name, for logs and for recording which convention a device speaks.</summary>
    string Name { get; }

    /// <summary>Topic filters the controller subscribes to; a message on a topic they match is this convention's to parse.</summary>
    IReadOnlyList<string> SubscriptionFilters { get; }

    /// <summary>
    /// Parses one incoming message into zero or more device messages (a bridge's device list describes many devices),
    /// or drops it with a reason.
    /// </summary>
    ConventionParse Parse(string topic, ReadOnlySequence<byte> payload);

    /// <summary>The topic and payload that tell a device to take on the commanded state.</summary>
    (string Topic, byte[] Payload) BuildCommand(DeviceCommand command, string commandId);

    /// <summary>The broker ACL for this convention's topics, enforced by the embedded broker and written for Mosquitto.</summary>
    IBrokerAccessRules AccessRules { get; }
}

/// <summary>What a convention made of one MQTT message: the device messages in it, or why it was dropped.</summary>
public readonly record struct ConventionParse(IReadOnlyList<InboundDeviceMessage> Messages, DropReason Reason)
{
    public bool Accepted => Reason == DropReason.None;

    public static ConventionParse Of(params InboundDeviceMessage[] messages) => new(messages, DropReason.None);

    public static ConventionParse Dropped(DropReason reason) => new([], reason);
}
