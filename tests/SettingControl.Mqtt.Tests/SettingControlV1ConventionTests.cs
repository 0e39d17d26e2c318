using System.Buffers;
using System.Text;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Conventions.SettingControlV1;

namespace SettingControl.Mqtt.Tests;

/// <summary>The v1 wire format through the convention seam: what it subscribes to, what it accepts, what it sends.</summary>
public class SettingControlV1ConventionTests
{
    private readonly SettingControlV1Convention _v1 = new(new DeviceTopics());

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void It_subscribes_to_every_devices_announce_availability_and_state_but_not_set()
    {
        Assert.Equal("settingcontrol-v1", _v1.Name);
        Assert.Equal(
            ["settingcontrol/devices/+/announce", "settingcontrol/devices/+/availability", "settingcontrol/devices/+/state"],
            _v1.SubscriptionFilters);
        Assert.Equal(["site-a/devices/+/announce", "site-a/devices/+/availability", "site-a/devices/+/state"], new SettingControlV1Convention(new DeviceTopics("site-a")).SubscriptionFilters);
    }

    [Theory]
    [InlineData("settingcontrol/devices/l1/availability", "online", DropReason.None)]
    [InlineData("settingcontrol/devices/l1/availability", "offline", DropReason.None)]
    [InlineData("settingcontrol/devices/l1/availability", "maybe", DropReason.UnknownValue)]
    [InlineData("settingcontrol/devices/l1/state", """{"on":true,"brightness":40,"colorTempK":3000}""", DropReason.None)]
    [InlineData("settingcontrol/devices/l1/state", "{not json", DropReason.InvalidJson)]
    [InlineData("settingcontrol/devices/l1/announce", """{"id":"l1","kind":"light","model":"m","firmware":"1"}""", DropReason.None)]
    [InlineData("settingcontrol/devices/l1/announce", """{"id":"l2","kind":"light","model":"m","firmware":"1"}""", DropReason.IdMismatch)]
    [InlineData("settingcontrol/devices/l1/set", """{"commandId":"c","transitionMs":0}""", DropReason.UnknownTopic)]
    [InlineData("settingcontrol/devices/L1/state", """{"on":true}""", DropReason.UnknownTopic)]
    [InlineData("other/devices/l1/state", """{"on":true}""", DropReason.UnknownTopic)]
    public void Parse_accepts_one_message_per_valid_payload_and_drops_the_rest_with_the_parsers_reason(string topic, string payload, DropReason expected)
    {
        var parsed = _v1.Parse(topic, Bytes(payload));

        Assert.Equal(expected, parsed.Reason);
        Assert.Equal(expected == DropReason.None ? 1 : 0, parsed.Messages.Count);
    }

    [Fact]
    public void Parse_turns_each_payload_into_the_message_the_grains_take()
    {
        Assert.Equal(
            new InboundDeviceMessage.AvailabilityChanged("l1", false),
            Assert.Single(_v1.Parse("settingcontrol/devices/l1/availability", Bytes("offline")).Messages));
        Assert.Equal(
            new InboundDeviceMessage.StateReported("m1", new ActualStateDto(true, null, null, 30, true, 80)),
            Assert.Single(_v1.Parse("settingcontrol/devices/m1/state", Bytes("""{"on":true,"light":30,"worn":true,"battery":80}""")).Messages));
        Assert.Equal(
            new InboundDeviceMessage.Announced("l1", new DeviceAnnouncement("l1", "light", "m", "1", 2700, 6500, 10000)),
            Assert.Single(_v1.Parse(
                "settingcontrol/devices/l1/announce",
                Bytes("""{"id":"l1","kind":"light","model":"m","firmware":"1","capabilities":{"minColorTempK":2700,"maxColorTempK":6500,"maxTransitionMs":10000}}""")).Messages));
    }

    [Fact]
    public void Parse_drops_a_payload_over_the_limit_before_reading_it()
    {
        var parsed = _v1.Parse("settingcontrol/devices/l1/state", new ReadOnlySequence<byte>(new byte[PayloadParser.MaxPayloadBytes + 1]));

        Assert.Equal(DropReason.TooLarge, parsed.Reason);
        Assert.Empty(parsed.Messages);
    }

    [Theory]
    [InlineData(DeviceKind.Light, true, 40, 3000, null, 1500, """{"commandId":"c-1","transitionMs":1500,"on":true,"brightness":40,"colorTempK":3000}""")]
    [InlineData(DeviceKind.Light, false, 0, null, null, 0, """{"commandId":"c-1","transitionMs":0,"on":false,"brightness":0}""")]
    [InlineData(DeviceKind.Mask, true, 99, 4000, 25, 2000, """{"commandId":"c-1","transitionMs":2000,"on":true,"light":25}""")]
    public void BuildCommand_writes_the_v1_set_topic_and_payload_byte_for_byte(DeviceKind kind, bool on, int? brightness, int? colorTempK, int? light, int transitionMs, string expected)
    {
        var (topic, payload) = _v1.BuildCommand(new DeviceCommand("room-1-x", kind, on, brightness, colorTempK, light, transitionMs), "c-1")!.Value;

        Assert.Equal("settingcontrol/devices/room-1-x/set", topic);
        Assert.Equal(expected, Encoding.UTF8.GetString(payload));
    }
}
