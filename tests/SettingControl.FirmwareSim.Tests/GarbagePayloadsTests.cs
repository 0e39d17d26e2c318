using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Wire;

namespace SettingControl.FirmwareSim.Tests;

public sealed class GarbagePayloadsTests
{
    [Theory]
    [InlineData(DeviceKinds.Light)]
    [InlineData(DeviceKinds.Mask)]
    public void Every_garbage_payload_is_refused_by_the_protocol_parser_and_all_topics_are_hit(string kind)
    {
        var topics = new HashSet<DeviceTopicKind>();
        for (var seed = 0; seed < 10; seed++)
        {
            var random = new Random(seed);
            for (var i = 0; i < 100; i++)
            {
                var (topic, payload) = GarbagePayloads.Next(random, "room-1-x", kind);
                topics.Add(topic);
                Assert.NotEmpty(payload);
                Assert.False(GarbagePayloads.IsValid(topic, payload, "room-1-x"), $"seed {seed} #{i} produced a valid {topic} payload");
            }
        }

        Assert.Equal([DeviceTopicKind.Announce, DeviceTopicKind.Availability, DeviceTopicKind.State], topics.Order());
    }

    [Fact]
    public void The_same_seed_gives_the_same_garbage()
    {
        var a = new Random(42);
        var b = new Random(42);
        for (var i = 0; i < 50; i++)
        {
            var x = GarbagePayloads.Next(a, "dev", DeviceKinds.Light);
            var y = GarbagePayloads.Next(b, "dev", DeviceKinds.Light);
            Assert.Equal(x.Topic, y.Topic);
            Assert.Equal(x.Payload, y.Payload);
        }
    }
}
