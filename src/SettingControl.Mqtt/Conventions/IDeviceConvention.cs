using System.Buffers;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions;

/// <summary>
/// One way devices speak MQTT (SettingControl v1, Zigbee2MQTT, Tasmota, Home Assistant JSON lights). The room grain
/// asks for "this device should show X"; the convention owns everything on the wire for it: which topics the
/// controller subscribes to, how one message becomes device messages, how a command becomes a topic and payload, and
/// which topics each broker account may use. Like Home Assistant's MQTT light, which picks a schema class per entity,
/// <see cref="DeviceConventionRegistry"/> picks a convention per device.
/// </summary>
public interface IDeviceConvention
{
    /// <summary>A stable short name, for logs and for recording which convention a device speaks.</summary>
    string Name { get; }

    /// <summary>
    /// Topic filters the controller subscribes to; a message on a topic they match is this convention's to parse.
    /// A convention whose topics are provisioned at run time (a Zigbee2MQTT bridge's base topic) raises
    /// <see cref="SubscriptionFiltersChanged"/> when they change, and the live connection subscribes again.
    /// </summary>
    IReadOnlyList<string> SubscriptionFilters { get; }

    event Action? SubscriptionFiltersChanged;

    /// <summary>
    /// Whether this convention knows the device from its own provisioning (a bridge's device list), so its commands
    /// are this convention's even before the device said anything since the controller started.
    /// </summary>
    bool Claims(string deviceId);

    /// <summary>
    /// Parses one incoming message into zero or more device messages (a bridge's device list describes many devices),
    /// or drops it with a reason.
    /// </summary>
    ConventionParse Parse(string topic, ReadOnlySequence<byte> payload);

    /// <summary>
    /// The topic and payload that tell a device to take on the commanded state; null when the convention cannot
    /// address the device now (a bulb its bridge no longer lists): the command is dropped and counted.
    /// </summary>
    OutboundRequest? BuildCommand(DeviceCommand command, string commandId);

    /// <summary>
    /// Of commands a room decided together, those this convention can carry in one broadcast each: devices that form a
    /// group on their side (a Zigbee2MQTT group) and would each be sent the very same payload. The rest go one by one.
    /// Most conventions have no groups.
    /// </summary>
    IReadOnlyList<GroupCommand> GroupCommands(IReadOnlyList<DeviceCommand> commands) => [];

    /// <summary>The broker ACL for this convention's topics, enforced by the embedded broker and written for Mosquitto.</summary>
    IBrokerAccessRules AccessRules { get; }
}

/// <summary>
/// What a convention made of one MQTT message: the device messages in it, or why it was dropped; and what the
/// controller must ask of the devices at once because of it (<see cref="Requests"/>: a Zigbee2MQTT bulb that comes
/// online is read back with <c>/get</c> before anything is sent to it, since its state is not retained).
/// </summary>
public readonly record struct ConventionParse(IReadOnlyList<InboundDeviceMessage> Messages, DropReason Reason, IReadOnlyList<OutboundRequest> Requests)
{
    public bool Accepted => Reason == DropReason.None;

    public static ConventionParse Of(params InboundDeviceMessage[] messages) => new(messages, DropReason.None, []);

    public static ConventionParse Of(IReadOnlyList<InboundDeviceMessage> messages, IReadOnlyList<OutboundRequest> requests) =>
        new(messages, DropReason.None, requests);

    public static ConventionParse Dropped(DropReason reason) => new([], reason, []);
}

/// <summary>
/// One broadcast that tells several devices the same (a Zigbee2MQTT group's <c>/set</c>). <see cref="Key"/> names the
/// group in the outgoing queue; <see cref="Commands"/> are the members' own commands, sent one by one instead when the
/// broadcast cannot go out as it is (a member was given something newer meanwhile).
/// </summary>
public sealed record GroupCommand(string Key, IReadOnlyList<DeviceCommand> Commands, OutboundRequest Request);

/// <summary>A message the controller publishes on a convention's behalf, outside the command queue (a state read-back).</summary>
public readonly record struct OutboundRequest(string Topic, byte[] Payload);
