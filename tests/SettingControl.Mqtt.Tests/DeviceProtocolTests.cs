using System.Text;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Tests;

public class DeviceProtocolTests
{
    private readonly DeviceTopics _topics = new();

    [Fact]
    public void Topics_follow_the_documented_layout()
    {
        Assert.Equal("settingcontrol/devices/l1/announce", _topics.Announce("l1"));
        Assert.Equal("settingcontrol/devices/l1/availability", _topics.Availability("l1"));
        Assert.Equal("settingcontrol/devices/l1/state", _topics.State("l1"));
        Assert.Equal("settingcontrol/devices/l1/set", _topics.Set("l1"));
        Assert.Equal("settingcontrol/devices/+/state", _topics.FilterForAll(DeviceTopicKind.State));
        Assert.Equal("clinic/devices/x/set", new DeviceTopics("clinic").Set("x"));
    }

    [Theory]
    [InlineData("settingcontrol/devices/l1/state", true, "l1", DeviceTopicKind.State)]
    [InlineData("settingcontrol/devices/room-1-mask/availability", true, "room-1-mask", DeviceTopicKind.Availability)]
    [InlineData("settingcontrol/devices/l1/state/extra", false, "", DeviceTopicKind.Announce)]
    [InlineData("settingcontrol/devices//state", false, "", DeviceTopicKind.Announce)]
    [InlineData("settingcontrol/devices/L1/state", false, "", DeviceTopicKind.Announce)]
    [InlineData("other/devices/l1/state", false, "", DeviceTopicKind.Announce)]
    [InlineData("settingcontrol/devices/l1/reboot", false, "", DeviceTopicKind.Announce)]
    public void Topics_are_parsed_strictly(string topic, bool ok, string id, DeviceTopicKind kind)
    {
        Assert.Equal(ok, _topics.TryParse(topic, out var deviceId, out var parsedKind));
        if (ok)
        {
            Assert.Equal(id, deviceId);
            Assert.Equal(kind, parsedKind);
        }
    }

    [Fact]
    public void A_light_state_parses()
    {
        var result = PayloadParser.ParseState("""{"on":true,"brightness":42,"colorTempK":2700}"""u8);

        Assert.True(result.Ok);
        Assert.Equal(42, result.Value!.Brightness);
        Assert.Equal(2700, result.Value.ColorTempK);
        Assert.Null(result.Value.Light);
    }

    [Fact]
    public void Unknown_fields_are_ignored_for_forward_compatibility()
    {
        var result = PayloadParser.ParseState("""{"on":false,"light":10,"worn":true,"battery":80,"rssi":-60}"""u8);

        Assert.True(result.Ok);
        Assert.Equal(10, result.Value!.Light);
    }

    [Theory]
    [InlineData("", DropReason.InvalidJson)]
    [InlineData("{", DropReason.InvalidJson)]
    [InlineData("null", DropReason.InvalidJson)]
    [InlineData("[1,2]", DropReason.InvalidJson)]
    [InlineData("""{"brightness":10}""", DropReason.MissingField)]
    [InlineData("""{"on":"yes","brightness":10}""", DropReason.InvalidJson)]
    [InlineData("""{"on":true,"brightness":"10"}""", DropReason.InvalidJson)]
    [InlineData("""{"on":true,"brightness":101}""", DropReason.OutOfRange)]
    [InlineData("""{"on":true,"brightness":-1}""", DropReason.OutOfRange)]
    [InlineData("""{"on":true,"colorTempK":99999}""", DropReason.OutOfRange)]
    [InlineData("""{"on":true,"brightness":1e400}""", DropReason.InvalidJson)]
    public void Malformed_state_is_refused_with_a_reason(string payload, DropReason reason)
    {
        var result = PayloadParser.ParseState(Encoding.UTF8.GetBytes(payload));

        Assert.False(result.Ok);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void Oversized_and_non_utf8_payloads_are_refused_unread()
    {
        var big = Encoding.UTF8.GetBytes("{\"on\":true,\"pad\":\"" + new string('x', 5000) + "\"}");
        Assert.Equal(DropReason.TooLarge, PayloadParser.ParseState(big).Reason);
        Assert.Equal(DropReason.NotUtf8, PayloadParser.ParseState(new byte[] { 0x7b, 0xff, 0xfe, 0x7d }).Reason);
    }

    [Fact]
    public void An_announcement_must_name_the_device_of_its_topic()
    {
        var payload = """{"id":"l1","kind":"light","model":"m","firmware":"1.0","capabilities":{"minColorTempK":2000,"maxColorTempK":6500,"maxTransitionMs":600000}}"""u8;

        Assert.True(PayloadParser.ParseAnnounce(payload, "l1").Ok);
        Assert.Equal(DropReason.IdMismatch, PayloadParser.ParseAnnounce(payload, "l2").Reason);
        Assert.Equal(DropReason.UnknownValue, PayloadParser.ParseAnnounce("""{"id":"l1","kind":"toaster","model":"m","firmware":"1"}"""u8, "l1").Reason);
        Assert.Equal(DropReason.MissingField, PayloadParser.ParseAnnounce("""{"id":"l1","kind":"light"}"""u8, "l1").Reason);
    }

    [Theory]
    [InlineData("online", true, true)]
    [InlineData("offline", true, false)]
    [InlineData("{\"state\":\"online\"}", true, true)]
    [InlineData("ONLINE", false, false)]
    [InlineData("", false, false)]
    public void Availability_is_a_bare_word(string payload, bool ok, bool online)
    {
        Assert.Equal(ok, PayloadParser.TryParseAvailability(Encoding.UTF8.GetBytes(payload), out var parsed, out _));
        Assert.Equal(online, parsed);
    }

    [Fact]
    public void A_set_command_round_trips_without_fields_its_kind_lacks()
    {
        var bytes = PayloadWriter.Write(new SetPayload("c-1", 1500, On: true, Brightness: 20, ColorTempK: 2400));
        var json = Encoding.UTF8.GetString(bytes);

        Assert.DoesNotContain("light", json);
        var parsed = PayloadParser.ParseSet(bytes);
        Assert.True(parsed.Ok);
        Assert.Equal("c-1", parsed.Value!.CommandId);
        Assert.Equal(1500, parsed.Value.TransitionMs);
        Assert.Equal(20, parsed.Value.Brightness);
    }

    [Fact]
    public void Random_bytes_are_refused_and_never_throw_out_of_the_parser()
    {
        var random = new Random(12345);
        var accepted = 0;
        for (var i = 0; i < 5000; i++)
        {
            var buffer = new byte[random.Next(0, 300)];
            random.NextBytes(buffer);
            accepted += PayloadParser.ParseState(buffer).Ok ? 1 : 0;
            accepted += PayloadParser.ParseAnnounce(buffer, "l1").Ok ? 1 : 0;
            accepted += PayloadParser.ParseSet(buffer).Ok ? 1 : 0;
            accepted += PayloadParser.TryParseAvailability(buffer, out _, out _) ? 1 : 0;
        }

        Assert.Equal(0, accepted);
    }
}
