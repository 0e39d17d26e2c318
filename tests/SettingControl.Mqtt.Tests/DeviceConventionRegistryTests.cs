using System.Buffers;
using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Conventions.SettingControlV1;

namespace SettingControl.Mqtt.Tests;

/// <summary>Inbound messages go to the convention that owns their topic; commands go out in the convention the device speaks.</summary>
public class DeviceConventionRegistryTests
{
    private readonly DeviceConventionRegistry _registry = new([new SettingControlV1Convention(new DeviceTopics()), new FakeBridgeConvention()]);

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static DeviceCommand On(string deviceId) => new(deviceId, DeviceKind.Light, true, 50, 3000, null, 0);

    [Fact]
    public void The_controller_subscribes_to_every_conventions_filters_once()
    {
        var twice = new DeviceConventionRegistry([new SettingControlV1Convention(new DeviceTopics()), new FakeBridgeConvention()]);

        Assert.Equal(
            ["settingcontrol/devices/+/announce", "settingcontrol/devices/+/availability", "settingcontrol/devices/+/state", "bridge/devices", "bridge/+/availability"],
            twice.SubscriptionFilters);
    }

    [Fact]
    public void A_message_goes_to_the_convention_whose_filter_matches_its_topic()
    {
        var v1 = _registry.Parse("settingcontrol/devices/l1/availability", Bytes("online"));
        var bridged = _registry.Parse("bridge/z1/availability", Bytes("offline"));

        Assert.Equal(new InboundDeviceMessage.AvailabilityChanged("l1", true), Assert.Single(v1.Messages));
        Assert.Equal(new InboundDeviceMessage.AvailabilityChanged("z1", false), Assert.Single(bridged.Messages));
    }

    [Fact]
    public void One_message_may_describe_many_devices_or_none()
    {
        var many = _registry.Parse("bridge/devices", Bytes("z1,z2,z3"));
        var none = _registry.Parse("bridge/devices", Bytes(""));

        Assert.Equal(["z1", "z2", "z3"], many.Messages.Select(m => m.DeviceId));
        Assert.True(none.Accepted);
        Assert.Empty(none.Messages);
    }

    [Fact]
    public void A_topic_no_convention_owns_is_dropped_as_unknown_and_a_conventions_refusal_keeps_its_reason()
    {
        Assert.Equal(DropReason.UnknownTopic, _registry.Parse("elsewhere/l1/state", Bytes("{}")).Reason);
        Assert.Equal(DropReason.UnknownTopic, _registry.Parse("settingcontrol/devices/l1/set", Bytes("{}")).Reason);
        Assert.Equal(DropReason.UnknownValue, _registry.Parse("bridge/z1/availability", Bytes("maybe")).Reason);
    }

    [Fact]
    public void A_device_never_heard_from_gets_commands_in_the_default_convention()
    {
        Assert.Same(_registry.Conventions[0], _registry.Default);
        Assert.Equal(SettingControlV1Convention.ConventionName, _registry.ConventionOf("z9").Name);
        Assert.Equal("settingcontrol/devices/z9/set", _registry.BuildCommand(On("z9"), "c-1")!.Value.Topic);
    }

    [Fact]
    public void A_device_heard_from_gets_commands_in_the_convention_it_spoke()
    {
        _registry.Parse("bridge/devices", Bytes("z1,z2"));
        _registry.Parse("settingcontrol/devices/l1/availability", Bytes("online"));

        var (topic, payload) = _registry.BuildCommand(On("z2"), "c-1")!.Value;
        Assert.Equal(("bridge/z2/set", "ON"), (topic, Encoding.UTF8.GetString(payload)));
        Assert.Equal("settingcontrol/devices/l1/set", _registry.BuildCommand(On("l1"), "c-2")!.Value.Topic);
    }

    [Fact]
    public void An_announcement_moves_a_device_to_the_convention_it_announced_on_other_messages_do_not()
    {
        _registry.Parse("bridge/z1/availability", Bytes("online"));
        Assert.Equal("fake-bridge", _registry.ConventionOf("z1").Name);

        _registry.Parse("settingcontrol/devices/z1/announce", Bytes("""{"id":"z1","kind":"light","model":"m","firmware":"1"}"""));
        Assert.Equal(SettingControlV1Convention.ConventionName, _registry.ConventionOf("z1").Name);

        _registry.Parse("bridge/z1/availability", Bytes("offline"));
        Assert.Equal(SettingControlV1Convention.ConventionName, _registry.ConventionOf("z1").Name);
    }

    [Fact]
    public void A_dropped_message_records_nothing()
    {
        _registry.Parse("bridge/z1/availability", Bytes("maybe"));

        Assert.Same(_registry.Default, _registry.ConventionOf("z1"));
    }

    [Fact]
    public void No_convention_or_one_registered_twice_is_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => new DeviceConventionRegistry([]));
        Assert.Throws<ArgumentException>(() => new DeviceConventionRegistry([new FakeBridgeConvention(), new FakeBridgeConvention()]));
    }
}
