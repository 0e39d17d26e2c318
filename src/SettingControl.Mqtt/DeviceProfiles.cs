using System.Buffers;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt;

/// <summary>A message from a device, parsed and validated, ready to route to its grain.</summary>
public abstract record InboundDeviceMessage(string DeviceId)
{
    public sealed record Announced(string DeviceId, DeviceAnnouncement Announcement) : InboundDeviceMessage(DeviceId);

    public sealed record AvailabilityChanged(string DeviceId, bool Online) : InboundDeviceMessage(DeviceId);

    public sealed record StateReported(string DeviceId, ActualStateDto State) : InboundDeviceMessage(DeviceId);
}

/// <summary>
/// The seam between the room grain and a device convention. The room grain asks for "this device
/// should show X"; a profile knows the topics and payloads of one convention (SettingControl v1 now,
/// Zigbee2MQTT's light schema next) without the grain changing.
/// </summary>
public interface IDeviceProfile
{
    /// <summary>Topic filters the controller subscribes to for this convention.</summary>
    IReadOnlyList<string> SubscriptionFilters { get; }

    /// <summary>Parses one incoming message. Returns false, with a reason, for anything it cannot accept.</summary>
    bool TryParse(string topic, ReadOnlySequence<byte> payload, out InboundDeviceMessage? message, out DropReason reason);

    /// <summary>The topic and payload that tell a device to take on the commanded state.</summary>
    (string Topic, byte[] Payload) BuildCommand(DeviceCommand command, string commandId);
}

/// <summary>SettingControl device protocol v1 (docs/device-protocol.md).</summary>
public sealed class SettingControlV1Profile(DeviceTopics topics) : IDeviceProfile
{
    public IReadOnlyList<string> SubscriptionFilters { get; } =
    [
        topics.FilterForAll(DeviceTopicKind.Announce),
        topics.FilterForAll(DeviceTopicKind.Availability),
        topics.FilterForAll(DeviceTopicKind.State),
    ];

    public bool TryParse(string topic, ReadOnlySequence<byte> payload, out InboundDeviceMessage? message, out DropReason reason)
    {
        message = null;
        if (!topics.TryParse(topic, out var deviceId, out var kind) || kind == DeviceTopicKind.Set)
        {
            reason = DropReason.UnknownTopic;
            return false;
        }

        if (payload.Length > PayloadParser.MaxPayloadBytes)
        {
            reason = DropReason.TooLarge;
            return false;
        }

        // Device payloads are small; a single contiguous span keeps the parser simple.
        Span<byte> buffer = stackalloc byte[(int)payload.Length];
        payload.CopyTo(buffer);

        switch (kind)
        {
            case DeviceTopicKind.Availability:
                if (!PayloadParser.TryParseAvailability(buffer, out var online, out reason))
                {
                    return false;
                }

                message = new InboundDeviceMessage.AvailabilityChanged(deviceId, online);
                return true;

            case DeviceTopicKind.State:
                var state = PayloadParser.ParseState(buffer);
                if (!state.Ok)
                {
                    reason = state.Reason;
                    return false;
                }

                var s = state.Value!;
                message = new InboundDeviceMessage.StateReported(deviceId, new ActualStateDto(s.On, s.Brightness, s.ColorTempK, s.Light, s.Worn, s.Battery));
                reason = DropReason.None;
                return true;

            case DeviceTopicKind.Announce:
                var announce = PayloadParser.ParseAnnounce(buffer, deviceId);
                if (!announce.Ok)
                {
                    reason = announce.Reason;
                    return false;
                }

                var a = announce.Value!;
                message = new InboundDeviceMessage.Announced(deviceId, new DeviceAnnouncement(
                    deviceId, a.Kind, a.Model, a.Firmware, a.Capabilities?.MinColorTempK, a.Capabilities?.MaxColorTempK, a.Capabilities?.MaxTransitionMs));
                reason = DropReason.None;
                return true;

            default:
                reason = DropReason.UnknownTopic;
                return false;
        }
    }

    public (string Topic, byte[] Payload) BuildCommand(DeviceCommand command, string commandId)
    {
        var payload = command.Kind == DeviceKind.Mask
            ? new SetPayload(commandId, command.TransitionMs, On: command.On, Light: command.Light)
            : new SetPayload(commandId, command.TransitionMs, On: command.On, Brightness: command.Brightness, ColorTempK: command.ColorTempK);
        return (topics.Set(command.DeviceId), PayloadWriter.Write(payload));
    }
}
