using System.Buffers;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.SettingControlV1;

/// <summary>SettingControl device protocol v1 (docs/device-protocol.md): one device per topic, one message per payload.</summary>
public sealed class SettingControlV1Convention(DeviceTopics topics) : IDeviceConvention
{
    public const string ConventionName = "settingcontrol-v1";

    public string Name => ConventionName;

    public IReadOnlyList<string> SubscriptionFilters { get; } =
    [
        topics.FilterForAll(DeviceTopicKind.Announce),
        topics.FilterForAll(DeviceTopicKind.Availability),
        topics.FilterForAll(DeviceTopicKind.State),
    ];

    public IBrokerAccessRules AccessRules { get; } = new SettingControlV1AccessRules(topics);

    // v1 topics are fixed by the base topic, and v1 devices are known only by what they announce.
    public event Action? SubscriptionFiltersChanged
    {
        add { }
        remove { }
    }

    public bool Claims(string deviceId) => false;

    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        if (!topics.TryParse(topic, out var deviceId, out var kind) || kind == DeviceTopicKind.Set)
        {
            return ConventionParse.Dropped(DropReason.UnknownTopic);
        }

        if (payload.Length > PayloadParser.MaxPayloadBytes)
        {
            return ConventionParse.Dropped(DropReason.TooLarge);
        }

        // Device payloads are small; a single contiguous span keeps the parser simple.
        Span<byte> buffer = stackalloc byte[(int)payload.Length];
        payload.CopyTo(buffer);

        switch (kind)
        {
            case DeviceTopicKind.Availability:
                return PayloadParser.TryParseAvailability(buffer, out var online, out var reason)
                    ? ConventionParse.Of(new InboundDeviceMessage.AvailabilityChanged(deviceId, online))
                    : ConventionParse.Dropped(reason);

            case DeviceTopicKind.State:
                var state = PayloadParser.ParseState(buffer);
                if (!state.Ok)
                {
                    return ConventionParse.Dropped(state.Reason);
                }

                var s = state.Value!;
                return ConventionParse.Of(new InboundDeviceMessage.StateReported(deviceId, new ActualStateDto(s.On, s.Brightness, s.ColorTempK, s.Light, s.Worn, s.Battery)));

            case DeviceTopicKind.Announce:
                var announce = PayloadParser.ParseAnnounce(buffer, deviceId);
                if (!announce.Ok)
                {
                    return ConventionParse.Dropped(announce.Reason);
                }

                var a = announce.Value!;
                return ConventionParse.Of(new InboundDeviceMessage.Announced(deviceId, new DeviceAnnouncement(
                    deviceId, a.Kind, a.Model, a.Firmware, a.Capabilities?.MinColorTempK, a.Capabilities?.MaxColorTempK, a.Capabilities?.MaxTransitionMs)));

            default:
                return ConventionParse.Dropped(DropReason.UnknownTopic);
        }
    }

    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId)
    {
        var payload = command.Kind == DeviceKind.Mask
            ? new SetPayload(commandId, command.TransitionMs, On: command.On, Light: command.Light)
            : new SetPayload(commandId, command.TransitionMs, On: command.On, Brightness: command.Brightness, ColorTempK: command.ColorTempK);
        return new OutboundRequest(topics.Set(command.DeviceId), PayloadWriter.Write(payload));
    }
}
