using System.Buffers;
using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Model;
using SettingControl.FirmwareSim.Wire;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>
/// The v1 wire alone, as tables: exact topics and exact payload bytes out, commands in. These literals are what a
/// controller on today's protocol reads; a change here is a protocol change, not a refactoring.
/// </summary>
public sealed class SettingControlV1WireTests
{
    private static readonly DeviceSnapshot LightFactory = new(true, 100, 4000, null, null, null);
    private static readonly DeviceSnapshot MaskFactory = new(true, null, null, 100, true, 100);

    private static SettingControlV1Wire Wire(string id, string kind, string? baseTopic = null) =>
        new(new SimulatedDeviceOptions { DeviceId = id, Kind = kind, BaseTopic = baseTopic ?? DeviceTopics.DefaultBaseTopic });

    private static (string Topic, string Payload) Text(WireMessage message) => (message.Topic, Encoding.UTF8.GetString(message.Payload));

    [Theory]
    [InlineData(null, "room-1-light-1", "settingcontrol/devices/room-1-light-1/set", "settingcontrol/devices/room-1-light-1/availability")]
    [InlineData("site/a", "m_2", "site/a/devices/m_2/set", "site/a/devices/m_2/availability")]
    public void Command_topic_and_will_follow_the_base_topic(string? baseTopic, string id, string commandTopic, string availabilityTopic)
    {
        var wire = Wire(id, DeviceKinds.Light, baseTopic);

        Assert.Equal(commandTopic, wire.CommandTopic);
        Assert.Equal((availabilityTopic, "offline"), Text(wire.Will));
        Assert.Equal((availabilityTopic, "offline"), Text(wire.Offline));
    }

    [Fact]
    public void Light_identity_is_announce_online_state_in_that_order()
    {
        var identity = Wire("lamp-1", DeviceKinds.Light).Identity(LightFactory).Select(Text).ToArray();

        Assert.Equal(
            [
                ("settingcontrol/devices/lamp-1/announce",
                    """{"id":"lamp-1","kind":"light","model":"sim-light-1","firmware":"1.0.0","capabilities":{"minColorTempK":2000,"maxColorTempK":6500,"maxTransitionMs":600000}}"""),
                ("settingcontrol/devices/lamp-1/availability", "online"),
                ("settingcontrol/devices/lamp-1/state", """{"on":true,"brightness":100,"colorTempK":4000}"""),
            ],
            identity);
    }

    [Fact]
    public void Mask_identity_announces_only_the_transition_limit_and_its_own_model_and_firmware()
    {
        var wire = new SettingControlV1Wire(new SimulatedDeviceOptions { DeviceId = "mask-9", Kind = DeviceKinds.Mask, Firmware = "2.1.0" });

        var identity = wire.Identity(MaskFactory).Select(Text).ToArray();

        Assert.Equal(
            [
                ("settingcontrol/devices/mask-9/announce",
                    """{"id":"mask-9","kind":"mask","model":"sim-mask-1","firmware":"2.1.0","capabilities":{"maxTransitionMs":600000}}"""),
                ("settingcontrol/devices/mask-9/availability", "online"),
                ("settingcontrol/devices/mask-9/state", """{"on":true,"light":100,"worn":true,"battery":100}"""),
            ],
            identity);
    }

    public static TheoryData<DeviceSnapshot, string> States => new()
    {
        { LightFactory, """{"on":true,"brightness":100,"colorTempK":4000}""" },
        { new DeviceSnapshot(false, 0, 2000, null, null, null), """{"on":false,"brightness":0,"colorTempK":2000}""" },
        { new DeviceSnapshot(true, 37, 6500, null, null, null), """{"on":true,"brightness":37,"colorTempK":6500}""" },
        { MaskFactory, """{"on":true,"light":100,"worn":true,"battery":100}""" },
        { new DeviceSnapshot(false, null, null, 5, true, 100), """{"on":false,"light":5,"worn":true,"battery":100}""" },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void State_report_is_the_v1_state_payload(DeviceSnapshot snapshot, string json)
    {
        Assert.Equal(("settingcontrol/devices/d/state", json), Text(Wire("d", DeviceKinds.Light).State(snapshot)));
    }

    [Theory]
    [InlineData("settingcontrol/devices/lamp-1/set", true)]
    [InlineData("settingcontrol/devices/lamp-1/state", false)]
    [InlineData("settingcontrol/devices/lamp-2/set", false)]
    [InlineData("other/devices/lamp-1/set", false)]
    [InlineData("settingcontrol/devices/lamp-1/set/x", false)]
    public void Only_its_own_set_topic_is_a_command(string topic, bool isCommand)
    {
        Assert.Equal(isCommand, Wire("lamp-1", DeviceKinds.Light).IsCommandTopic(topic));
    }

    public static TheoryData<string, SetPayload> ValidCommands => new()
    {
        { """{"commandId":"c1","transitionMs":0,"on":true}""", new SetPayload("c1", 0, On: true) },
        { """{"commandId":"c2","transitionMs":1500,"brightness":40,"colorTempK":3000}""", new SetPayload("c2", 1500, Brightness: 40, ColorTempK: 3000) },
        { """{"commandId":"c3","transitionMs":200,"on":false,"light":0}""", new SetPayload("c3", 200, On: false, Light: 0) },
    };

    [Theory]
    [MemberData(nameof(ValidCommands))]
    public void Valid_set_payloads_parse_to_the_command(string json, SetPayload expected)
    {
        var parsed = Wire("d", DeviceKinds.Light).ParseCommand(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(SettingControlV1Wire.ToCommand(expected), parsed.Value);
        Assert.Equal(DropReason.None, parsed.Reason);
    }

    [Fact]
    public void A_v1_set_becomes_the_model_command_field_for_field()
    {
        var set = new SetPayload("c9", 2500, On: false, Brightness: 12, ColorTempK: 3300, Light: 7);

        Assert.Equal(new DeviceCommand("c9", 2500, On: false, Brightness: 12, ColorTempK: 3300, Light: 7), SettingControlV1Wire.ToCommand(set));
    }

    [Theory]
    [InlineData("""{"commandId":"c1","transitionMs":0""", DropReason.InvalidJson)]
    [InlineData("""{"transitionMs":0,"on":true}""", DropReason.MissingField)]
    [InlineData("""{"commandId":"c1","transitionMs":0,"brightness":101}""", DropReason.OutOfRange)]
    [InlineData("""{"commandId":"c1","transitionMs":-1}""", DropReason.OutOfRange)]
    [InlineData("""{"commandId":"c1","transitionMs":0,"colorTempK":500}""", DropReason.OutOfRange)]
    public void Malformed_set_payloads_are_refused_with_the_protocol_reason(string json, DropReason reason)
    {
        var parsed = Wire("d", DeviceKinds.Light).ParseCommand(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

        Assert.Null(parsed.Value);
        Assert.Equal(reason, parsed.Reason);
    }

    [Fact]
    public void A_payload_split_over_segments_parses_as_one()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"commandId":"split","transitionMs":100,"brightness":10}""");
        var first = new Segment(bytes.AsMemory(0, 20));
        var last = first.Append(bytes.AsMemory(20));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.False(sequence.IsSingleSegment);

        var parsed = Wire("d", DeviceKinds.Light).ParseCommand(sequence);

        Assert.Equal(new DeviceCommand("split", 100, Brightness: 10), parsed.Value);
    }

    [Fact]
    public void Garbage_lands_on_the_devices_own_retained_topics_is_never_valid_and_repeats_for_a_seed()
    {
        var wire = Wire("lamp-1", DeviceKinds.Light);
        var topics = new DeviceTopics();
        var first = new Random(7);
        var second = new Random(7);

        for (var i = 0; i < 200; i++)
        {
            var garbage = wire.Garbage(first);
            Assert.Equal(Text(garbage), Text(wire.Garbage(second)));
            Assert.True(topics.TryParse(garbage.Topic, out var id, out var kind));
            Assert.Equal("lamp-1", id);
            Assert.NotEqual(DeviceTopicKind.Set, kind);
            Assert.NotEmpty(garbage.Payload);
            Assert.False(GarbagePayloads.IsValid(kind, garbage.Payload, "lamp-1"));
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
