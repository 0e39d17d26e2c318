using System.Buffers;
using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim.Wire;

/// <summary>
/// SettingControl device protocol v1: <c>{base}/devices/{id}/announce|availability|state</c> out (all retained),
/// <c>…/set</c> in, payloads written and read by <c>SettingControl.DeviceProtocol</c>. Every payload is built once
/// per call from the device's options and snapshot, so the bytes are exactly those the protocol library writes.
/// </summary>
internal sealed class SettingControlV1Wire : IDeviceWire
{
    private static readonly byte[] OnlinePayload = PayloadWriter.WriteAvailability(online: true);
    private static readonly byte[] OfflinePayload = PayloadWriter.WriteAvailability(online: false);

    private readonly DeviceTopics _topics;
    private readonly string _deviceId;
    private readonly string _kind;
    private readonly byte[] _announcePayload;

    public SettingControlV1Wire(SimulatedDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _topics = new DeviceTopics(options.BaseTopic);
        _deviceId = options.DeviceId;
        _kind = options.Kind;
        _announcePayload = PayloadWriter.Write(new AnnouncePayload(
            options.DeviceId, options.Kind, options.Model, options.Firmware, CapabilitiesFor(options.Kind)));
        CommandTopic = _topics.Set(_deviceId);
        Will = new WireMessage(_topics.Availability(_deviceId), OfflinePayload);
    }

    public string CommandTopic { get; }

    /// <summary>A retained <c>offline</c> on the availability topic.</summary>
    public WireMessage Will { get; }

    /// <summary>The same retained <c>offline</c> as the will: a controller cannot tell a stop from a crash by it.</summary>
    public WireMessage Offline => Will;

    /// <summary>What a light or a mask announces it can do.</summary>
    public static CapabilitiesPayload CapabilitiesFor(string kind) => kind == DeviceKinds.Light
        ? new CapabilitiesPayload(DeviceModel.MinColorTempK, DeviceModel.MaxColorTempK, DeviceModel.MaxTransitionMs)
        : new CapabilitiesPayload(MaxTransitionMs: DeviceModel.MaxTransitionMs);

    /// <summary>The v1 state payload: lights carry brightness and colour temperature, masks light, worn and battery.</summary>
    public static StatePayload ToPayload(DeviceSnapshot s) =>
        new(s.On, s.Brightness, s.ColorTempK, s.Light, s.Worn, s.Battery);

    /// <summary>Announce, <c>online</c>, then state: the order a controller expects after a (re)connect.</summary>
    public IReadOnlyList<WireMessage> Identity(DeviceSnapshot current) =>
    [
        new(_topics.Announce(_deviceId), _announcePayload),
        new(_topics.Availability(_deviceId), OnlinePayload),
        State(current),
    ];

    public WireMessage State(DeviceSnapshot current) => new(_topics.State(_deviceId), PayloadWriter.Write(ToPayload(current)));

    public bool IsCommandTopic(string topic) => topic == CommandTopic;

    /// <summary>The v1 <c>set</c> payload as the model's command: the same fields, and its command id.</summary>
    public static DeviceCommand ToCommand(SetPayload set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new DeviceCommand(set.CommandId, set.TransitionMs, set.On, set.Brightness, set.ColorTempK, set.Light);
    }

    public ParseResult<DeviceCommand> ParseCommand(ReadOnlySequence<byte> payload)
    {
        var parsed = payload.IsSingleSegment ? PayloadParser.ParseSet(payload.FirstSpan) : PayloadParser.ParseSet(payload.ToArray());
        return parsed.Value is { } set
            ? ParseResult<DeviceCommand>.Success(ToCommand(set))
            : new ParseResult<DeviceCommand>(null, parsed.Reason, parsed.Detail);
    }

    public WireMessage Garbage(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (topic, payload) = GarbagePayloads.Next(random, _deviceId, _kind);
        return new WireMessage(_topics.For(_deviceId, topic), payload);
    }
}
