using System.Buffers;
using System.Text;
using Microsoft.Extensions.Options;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Conventions.Zigbee2Mqtt;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Tests;

/// <summary>The Zigbee2MQTT convention: value mapping, the device list, topics, availability, read-backs, commands and ACL.</summary>
public sealed class Zigbee2MqttTests : IDisposable
{
    private const string HueId = "0x00178801023ab5c1";
    private const string TradfriId = "0x000d6ffffe8a1b2c";

    private readonly TestDataDirectory _data = new("settingcontrol-z2m-tests");
    private readonly BridgeDirectory _bridges;
    private readonly Zigbee2MqttConvention _convention;

    public Zigbee2MqttTests()
    {
        _bridges = new BridgeDirectory(_data.Path, _data.Accounts, "settingcontrol");
        _convention = new Zigbee2MqttConvention(_bridges, Options.Create(new Zigbee2MqttOptions { MaxNativeTransitionMsByModel = { ["LED1545G12"] = 10_000 } }));
        Assert.NotNull(_bridges.Register("zigbee2mqtt", "zigbee2mqtt", "Ground floor").Bridge);
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Shaped like Zigbee2MQTT 2.x's retained bridge/devices: the coordinator, two bulbs, a sensor.</summary>
    private static string DeviceList(string hueName = "room-1/ceiling", bool withTradfri = true) =>
        DeviceListTemplate.Replace("HUE_NAME", hueName).Replace("TRADFRI_ENTRY", withTradfri ? TradfriEntry : string.Empty);

    private const string DeviceListTemplate = """
        [
          {"ieee_address":"0x00124b0022ab1234","type":"Coordinator","friendly_name":"Coordinator","definition":null,"interview_completed":true,"disabled":false},
          {"ieee_address":"0x00178801023AB5C1","type":"Router","friendly_name":"HUE_NAME","supported":true,"interview_completed":true,"disabled":false,"software_build_id":"1.104.2",
           "definition":{"model":"8718696548738","vendor":"Philips","description":"Hue White Ambiance E26/E27","exposes":[
             {"type":"light","features":[
               {"type":"binary","name":"state","property":"state","access":7,"value_on":"ON","value_off":"OFF","value_toggle":"TOGGLE"},
               {"type":"numeric","name":"brightness","property":"brightness","access":7,"value_min":0,"value_max":254},
               {"type":"numeric","name":"color_temp","property":"color_temp","access":7,"unit":"mired","value_min":153,"value_max":454}]},
             {"type":"enum","name":"effect","property":"effect","access":2,"values":["blink","breathe"]},
             {"type":"numeric","name":"linkquality","property":"linkquality","access":1}]}},
          TRADFRI_ENTRY
          {"ieee_address":"0x00158d0001a2b3c4","type":"EndDevice","friendly_name":"hall sensor","supported":true,"interview_completed":true,"disabled":false,
           "definition":{"model":"RTCGQ11LM","vendor":"Aqara","description":"Motion sensor","exposes":[{"type":"binary","name":"occupancy","property":"occupancy","access":1}]}}
        ]
        """;

    private const string TradfriEntry = """
          {"ieee_address":"0x000D6FFFFE8A1B2C","type":"Router","friendly_name":"room-2 lamp","supported":true,"interview_completed":true,"disabled":false,
           "definition":{"model":"LED1545G12","vendor":"IKEA","description":"TRADFRI bulb E26/E27, white spectrum","exposes":[
             {"type":"light","features":[
               {"type":"binary","name":"state","property":"state","access":7,"value_on":"ON","value_off":"OFF"},
               {"type":"numeric","name":"brightness","property":"brightness","access":7,"value_min":0,"value_max":254},
               {"type":"numeric","name":"color_temp","property":"color_temp","access":7,"unit":"mired","value_min":250,"value_max":454}]}]}},
        """;

    private ConventionParse Receive(string topic, string payload) =>
        _convention.Parse(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 3)]
    [InlineData(50, 127)]
    [InlineData(99, 251)]
    [InlineData(100, 254)]
    public void Brightness_percent_maps_to_0_254_and_1_percent_never_rounds_to_off(int percent, int raw)
    {
        Assert.Equal(raw, Zigbee2MqttValues.ToZigbeeBrightness(percent));
        Assert.Equal(percent, Zigbee2MqttValues.FromZigbeeBrightness(raw));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(254, 100)]
    [InlineData(255, 100)]
    public void Any_lit_zigbee_level_is_at_least_1_percent(int raw, int percent) =>
        Assert.Equal(percent, Zigbee2MqttValues.FromZigbeeBrightness(raw));

    [Theory]
    [InlineData(2700, 153, 454, 370)]
    [InlineData(6500, 153, 454, 154)]
    [InlineData(6500, 250, 454, 250)]
    [InlineData(1800, 153, 454, 454)]
    public void Kelvin_maps_to_mireds_clamped_to_the_bulbs_range(int kelvin, int min, int max, int mireds) =>
        Assert.Equal(mireds, Zigbee2MqttValues.ToMireds(kelvin, min, max));

    [Theory]
    [InlineData(370, 2703)]
    [InlineData(153, 6536)]
    [InlineData(454, 2203)]
    public void Mireds_map_back_to_kelvin(int mireds, int kelvin) => Assert.Equal(kelvin, Zigbee2MqttValues.ToKelvin(mireds));

    [Fact]
    public void The_device_list_announces_each_light_with_its_name_model_and_range_in_kelvin()
    {
        var parse = Receive("zigbee2mqtt/bridge/devices", DeviceList());

        Assert.True(parse.Accepted);
        var announced = parse.Messages.OfType<InboundDeviceMessage.Announced>().Select(m => m.Announcement).ToArray();
        Assert.Equal([HueId, TradfriId], announced.Select(a => a.DeviceId));
        var hue = announced[0];
        Assert.Equal(("light", "8718696548738", "Philips", "room-1/ceiling", "zigbee2mqtt"), (hue.Kind, hue.Model, hue.Vendor, hue.Name, hue.Convention));
        Assert.Equal((2203, 6536), (hue.MinColorTempK, hue.MaxColorTempK));
        Assert.Equal(30_000, hue.MaxTransitionMs);
        Assert.Equal(10_000, announced[1].MaxTransitionMs);
        Assert.Equal(new Zigbee2MqttBridgeStatus("unknown", null, 3, 2), _convention.StatusOf("zigbee2mqtt"));
        Assert.True(_convention.Claims(HueId));
    }

    [Theory]
    [InlineData("{\"state\":\"online\"}", true)]
    [InlineData("online", true)]
    [InlineData("{\"state\":\"offline\"}", false)]
    [InlineData("offline", false)]
    public void Availability_is_read_in_both_forms_and_an_online_bulb_is_read_back(string payload, bool online)
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());

        var parse = Receive("zigbee2mqtt/room-1/ceiling/availability", payload);

        Assert.Equal([new InboundDeviceMessage.AvailabilityChanged(HueId, online)], parse.Messages);
        if (online)
        {
            var request = Assert.Single(parse.Requests);
            Assert.Equal("zigbee2mqtt/room-1/ceiling/get", request.Topic);
            Assert.Equal("{\"state\":\"\",\"brightness\":\"\",\"color_temp\":\"\"}", Encoding.UTF8.GetString(request.Payload));
        }
        else
        {
            Assert.Empty(parse.Requests);
        }
    }

    [Fact]
    public void Availability_that_arrives_before_the_device_list_waits_for_it()
    {
        Assert.Empty(Receive("zigbee2mqtt/room-1/ceiling/availability", "{\"state\":\"online\"}").Messages);

        var parse = Receive("zigbee2mqtt/bridge/devices", DeviceList());

        Assert.Contains(new InboundDeviceMessage.AvailabilityChanged(HueId, true), parse.Messages);
        Assert.Equal(["zigbee2mqtt/room-1/ceiling/get"], parse.Requests.Select(r => r.Topic));
    }

    [Fact]
    public void A_bridge_coming_online_reads_back_every_bulb_and_going_offline_takes_them_offline()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Receive("zigbee2mqtt/room-1/ceiling/availability", "online");

        var online = Receive("zigbee2mqtt/bridge/state", "{\"state\":\"online\"}");
        Assert.Equal(["zigbee2mqtt/room-1/ceiling/get", "zigbee2mqtt/room-2 lamp/get"], online.Requests.Select(r => r.Topic).Order());

        var offline = Receive("zigbee2mqtt/bridge/state", "offline");
        Assert.Equal([new InboundDeviceMessage.AvailabilityChanged(HueId, false)], offline.Messages);
        Assert.Equal("offline", _convention.StatusOf("zigbee2mqtt").Availability);
    }

    [Fact]
    public void A_state_report_is_converted_and_a_bulb_that_reports_is_online()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());

        var parse = Receive("zigbee2mqtt/room-1/ceiling", "{\"state\":\"ON\",\"brightness\":127,\"color_temp\":370,\"color_mode\":\"color_temp\",\"linkquality\":87}");

        Assert.Equal(2, parse.Messages.Count);
        Assert.Equal(new InboundDeviceMessage.AvailabilityChanged(HueId, true), parse.Messages[0]);
        var state = Assert.IsType<InboundDeviceMessage.StateReported>(parse.Messages[1]).State;
        Assert.Equal((true, 50, 2703), (state.On, state.Brightness, state.ColorTempK));

        var next = Receive("zigbee2mqtt/room-1/ceiling", "{\"state\":\"OFF\",\"brightness\":127,\"color_temp\":370}");
        Assert.False(Assert.IsType<InboundDeviceMessage.StateReported>(Assert.Single(next.Messages)).State.On);
    }

    [Theory]
    [InlineData("{\"state\":\"ON\",\"brightness\":300}", DropReason.OutOfRange)]
    [InlineData("{\"state\":\"ON\",\"brightness\":-1}", DropReason.OutOfRange)]
    [InlineData("{\"state\":\"ON\",\"color_temp\":600}", DropReason.OutOfRange)]
    [InlineData("{\"state\":\"ON\",\"brightness\":\"bright\"}", DropReason.InvalidJson)]
    [InlineData("{\"state\":\"DIM\"}", DropReason.UnknownValue)]
    [InlineData("{\"brightness\":20}", DropReason.MissingField)]
    [InlineData("[1,2]", DropReason.InvalidJson)]
    [InlineData("{not json", DropReason.InvalidJson)]
    public void A_bad_state_report_is_dropped_with_its_reason(string payload, DropReason reason)
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());

        Assert.Equal(reason, Receive("zigbee2mqtt/room-1/ceiling", payload).Reason);
    }

    [Theory]
    [InlineData("{\"devices\":[]}")]
    [InlineData("[1]")]
    [InlineData("not json")]
    public void A_malformed_device_list_is_dropped_and_the_known_bulbs_stay(string payload)
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());

        Assert.False(Receive("zigbee2mqtt/bridge/devices", payload).Accepted);
        Assert.True(_convention.Claims(HueId));
    }

    [Fact]
    public void A_renamed_bulb_keeps_its_device_id_and_its_commands_follow_the_new_name()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());

        var parse = Receive("zigbee2mqtt/bridge/devices", DeviceList(hueName: "therapy/room 1/ceiling"));

        var renamed = Assert.Single(parse.Messages.OfType<InboundDeviceMessage.Announced>());
        Assert.Equal((HueId, "therapy/room 1/ceiling"), (renamed.DeviceId, renamed.Announcement.Name));
        Assert.Equal("zigbee2mqtt/therapy/room 1/ceiling/set", _convention.BuildCommand(new DeviceCommand(HueId, DeviceKind.Light, true, 50, 2700, null, 2000), "c-1")!.Value.Topic);
        Assert.Equal(DropReason.UnknownDevice, Receive("zigbee2mqtt/room-1/ceiling", "{\"state\":\"ON\"}").Reason);
    }

    [Fact]
    public void A_removed_bulb_goes_offline_and_can_no_longer_be_addressed()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Receive("zigbee2mqtt/room-2 lamp/availability", "online");

        var parse = Receive("zigbee2mqtt/bridge/devices", DeviceList(withTradfri: false));

        Assert.Equal([new InboundDeviceMessage.AvailabilityChanged(TradfriId, false)], parse.Messages);
        Assert.Null(_convention.BuildCommand(new DeviceCommand(TradfriId, DeviceKind.Light, true, 50, 2700, null, 0), "c-1"));
    }

    [Fact]
    public void A_bulb_that_powers_up_again_is_back_online_and_read_back()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Receive("zigbee2mqtt/room-1/ceiling/availability", "online");

        var parse = Receive("zigbee2mqtt/bridge/event", """{"type":"device_announce","data":{"friendly_name":"room-1/ceiling","ieee_address":"0x00178801023AB5C1"}}""");

        Assert.Equal([new InboundDeviceMessage.AvailabilityChanged(HueId, true)], parse.Messages);
        Assert.Equal(["zigbee2mqtt/room-1/ceiling/get"], parse.Requests.Select(r => r.Topic));
    }

    [Theory]
    [InlineData(true, 50, 2700, 2500, "{\"state\":\"ON\",\"brightness\":127,\"color_temp\":370,\"transition\":2.5}")]
    [InlineData(true, 1, 6500, 0, "{\"state\":\"ON\",\"brightness\":3,\"color_temp\":154,\"transition\":0}")]
    [InlineData(true, 100, 1800, 30000, "{\"state\":\"ON\",\"brightness\":254,\"color_temp\":454,\"transition\":30}")]
    [InlineData(false, 0, 2700, 1000, "{\"state\":\"OFF\",\"transition\":1}")]
    public void Commands_are_zigbee2mqtt_set_payloads(bool on, int brightness, int kelvin, int transitionMs, string expected)
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());

        var built = _convention.BuildCommand(new DeviceCommand(HueId, DeviceKind.Light, on, brightness, kelvin, null, transitionMs), "c-1")!.Value;

        Assert.Equal("zigbee2mqtt/room-1/ceiling/set", built.Topic);
        Assert.Equal(expected, Encoding.UTF8.GetString(built.Payload));
    }

    /// <summary>Shaped like Zigbee2MQTT 2.x's retained bridge/groups: one group of both bulbs, one with the Hue alone.</summary>
    private const string GroupList = """
        [
          {"id":1,"friendly_name":"room-1","description":null,"scenes":[],"members":[{"ieee_address":"0x00178801023AB5C1","endpoint":11},{"ieee_address":"0x000D6FFFFE8A1B2C","endpoint":1}]},
          {"id":2,"friendly_name":"hue only","description":null,"scenes":[],"members":[{"ieee_address":"0x00178801023AB5C1","endpoint":11}]}
        ]
        """;

    private static DeviceCommand Light(string deviceId, int brightness, int kelvin, int transitionMs = 2000) =>
        new(deviceId, DeviceKind.Light, true, brightness, kelvin, null, transitionMs);

    [Fact]
    public void Bulbs_of_a_group_told_the_same_get_one_broadcast_on_the_groups_topic()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Assert.True(Receive("zigbee2mqtt/bridge/groups", GroupList).Accepted);

        var commands = new[] { Light(HueId, 100, 2700), Light(TradfriId, 100, 2700) };
        var group = Assert.Single(_convention.GroupCommands(commands));

        Assert.Equal("zigbee2mqtt/room-1/set", group.Request.Topic);
        Assert.Equal(_convention.BuildCommand(commands[0], "c-1")!.Value.Payload, group.Request.Payload);
        Assert.Equal("{\"state\":\"ON\",\"brightness\":254,\"color_temp\":370,\"transition\":2}", Encoding.UTF8.GetString(group.Request.Payload));
        Assert.Equal([TradfriId, HueId], group.Commands.Select(c => c.DeviceId));
    }

    [Fact]
    public void Bulbs_that_would_be_sent_different_payloads_or_a_group_not_wholly_commanded_get_no_broadcast()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Receive("zigbee2mqtt/bridge/groups", GroupList);

        // 5000 K is 200 mireds: inside the Hue's range (153–454), clamped to 250 for the TRÅDFRI.
        Assert.Empty(_convention.GroupCommands([Light(HueId, 100, 5000), Light(TradfriId, 100, 5000)]));
        Assert.Empty(_convention.GroupCommands([Light(HueId, 100, 2700), Light(TradfriId, 60, 2700)]));
        Assert.Empty(_convention.GroupCommands([Light(HueId, 100, 2700), Light("0x0000000000000001", 100, 2700)]));
    }

    [Fact]
    public void A_groups_own_state_and_availability_are_not_taken_for_a_bulbs()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Receive("zigbee2mqtt/bridge/groups", GroupList);

        var state = Receive("zigbee2mqtt/room-1", "{\"state\":\"ON\",\"brightness\":254}");
        var availability = Receive("zigbee2mqtt/room-1/availability", "{\"state\":\"online\"}");

        Assert.True(state.Accepted);
        Assert.Empty(state.Messages);
        Assert.True(availability.Accepted);
        Assert.Empty(availability.Messages);
    }

    [Theory]
    [InlineData("{\"id\":1}")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public void A_malformed_group_list_is_dropped_and_the_known_groups_stay(string payload)
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Receive("zigbee2mqtt/bridge/groups", GroupList);

        Assert.Equal(DropReason.InvalidJson, Receive("zigbee2mqtt/bridge/groups", payload).Reason);
        Assert.Single(_convention.GroupCommands([Light(HueId, 100, 2700), Light(TradfriId, 100, 2700)]));
    }

    [Fact]
    public void Groups_with_unusable_names_or_members_are_skipped()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        Receive("zigbee2mqtt/bridge/groups", """
            [
              {"id":1,"friendly_name":"room/+/x","members":[{"ieee_address":"0x00178801023AB5C1","endpoint":11},{"ieee_address":"0x000D6FFFFE8A1B2C","endpoint":1}]},
              {"id":"2","friendly_name":"two","members":[{"ieee_address":"0x00178801023AB5C1","endpoint":11},{"ieee_address":"0x000D6FFFFE8A1B2C","endpoint":1}]},
              {"id":3,"friendly_name":"three","members":[{"ieee_address":"not an address"},{"ieee_address":"0x000D6FFFFE8A1B2C","endpoint":1}]}
            ]
            """);

        Assert.Empty(_convention.GroupCommands([Light(HueId, 100, 2700), Light(TradfriId, 100, 2700)]));
    }

    [Theory]
    [InlineData("bridge", "zigbee2mqtt/room-1/ceiling", true)]
    [InlineData("bridge", "zigbee2mqtt/room-1/ceiling/availability", true)]
    [InlineData("bridge", "zigbee2mqtt/bridge/devices", true)]
    [InlineData("bridge", "zigbee2mqtt/bridge/response/device/rename", true)]
    [InlineData("bridge", "zigbee2mqtt/room-1/ceiling/set", false)]
    [InlineData("bridge", "zigbee2mqtt/room-1/ceiling/set/brightness", false)]
    [InlineData("bridge", "zigbee2mqtt/room-1/ceiling/get", false)]
    [InlineData("bridge", "zigbee2mqtt/bridge/request/permit_join", false)]
    [InlineData("bridge", "upstairs/lamp", false)]
    [InlineData("bridge", "settingcontrol/devices/l1/state", false)]
    [InlineData("other-bridge", "zigbee2mqtt/room-1/ceiling", false)]
    [InlineData("controller", "zigbee2mqtt/room-1/ceiling/set", true)]
    [InlineData("controller", "zigbee2mqtt/room-1/ceiling/get", true)]
    [InlineData("controller", "zigbee2mqtt/room-1/ceiling", false)]
    [InlineData("controller", "zigbee2mqtt/bridge/request/permit_join", false)]
    [InlineData("device", "zigbee2mqtt/room-1/ceiling", false)]
    [InlineData("gateway", "zigbee2mqtt/room-1/ceiling", false)]
    public void Publish_matrix(string who, string topic, bool allowed) =>
        Assert.Equal(allowed, _convention.AccessRules.MayPublish(Principal(who), topic));

    [Theory]
    [InlineData("bridge", "zigbee2mqtt/#", true)]
    [InlineData("bridge", "zigbee2mqtt/+/set", true)]
    [InlineData("bridge", "#", false)]
    [InlineData("bridge", "upstairs/#", false)]
    [InlineData("controller", "zigbee2mqtt/#", true)]
    [InlineData("device", "zigbee2mqtt/#", false)]
    [InlineData("other-bridge", "zigbee2mqtt/#", false)]
    public void Subscribe_matrix(string who, string filter, bool allowed) =>
        Assert.Equal(allowed, _convention.AccessRules.MaySubscribe(Principal(who), filter));

    [Fact]
    public void Only_a_bridge_may_publish_a_large_device_list_under_its_own_base_topic()
    {
        var policy = new BrokerAccessPolicy([_convention.AccessRules]);

        Assert.Equal(Zigbee2MqttConvention.MaxBridgePayloadBytes, policy.PayloadLimit(Principal("bridge"), "zigbee2mqtt/bridge/devices"));
        Assert.Equal(BrokerAccessPolicy.DefaultPayloadLimit, policy.PayloadLimit(Principal("bridge"), "zigbee2mqtt/room-1/ceiling"));
        Assert.Equal(BrokerAccessPolicy.DefaultPayloadLimit, policy.PayloadLimit(Principal("other-bridge"), "zigbee2mqtt/bridge/devices"));
        Assert.Equal(BrokerAccessPolicy.DefaultPayloadLimit, policy.PayloadLimit(Principal("device"), "zigbee2mqtt/bridge/devices"));
    }

    [Fact]
    public void The_bridge_login_is_bound_to_its_base_topic_and_overlapping_bridges_are_refused()
    {
        var bridge = Assert.Single(_bridges.List());
        Assert.Equal(("bridge-zigbee2mqtt", "zigbee2mqtt"), (bridge.BridgeId, _data.Accounts.ScopeOf(bridge.BridgeId)));
        Assert.Equal(MqttAccountRole.Bridge, _data.Accounts.List().Single(a => a.Username == bridge.BridgeId).Role);

        Assert.Contains(_bridges.Register("zigbee2mqtt", "zigbee2mqtt/upstairs", "Upstairs").Refusals, r => r.Field == "baseTopic");
        Assert.Contains(_bridges.Register("zigbee2mqtt", "settingcontrol", "Ours").Refusals, r => r.Field == "baseTopic");
        Assert.Contains(_bridges.Register("zigbee2mqtt", "zigbee/#", "Wild").Refusals, r => r.Field == "baseTopic");
        Assert.Contains(_bridges.Register("tasmota", "tasmota", "Wrong kind").Refusals, r => r.Field == "kind");
        Assert.Contains(_bridges.Register("zigbee2mqtt", "upstairs", "").Refusals, r => r.Field == "name");
        Assert.NotNull(_bridges.Register("zigbee2mqtt", "upstairs", "Upstairs").Bridge);
        Assert.Equal(["upstairs/#", "zigbee2mqtt/#"], _convention.SubscriptionFilters.Order());

        Assert.True(_bridges.Remove(bridge.BridgeId));
        Assert.False(_data.Accounts.Has(bridge.BridgeId));
        Assert.Equal(["upstairs/#"], _convention.SubscriptionFilters);
    }

    [Fact]
    public void The_mosquitto_acl_spells_out_the_bridges_rights()
    {
        Receive("zigbee2mqtt/bridge/devices", DeviceList());
        var controller = new ControllerAccount("settingcontrol-controller", "secret");

        var acl = MosquittoConfig.AclFile(new BrokerAccessPolicy([_convention.AccessRules]), controller, _data.Accounts);

        Assert.Contains("user bridge-zigbee2mqtt\ntopic read zigbee2mqtt/#\n", acl);
        Assert.Contains("topic write zigbee2mqtt/+\n", acl);
        Assert.Contains("topic write zigbee2mqtt/room-1/ceiling\n", acl);
        Assert.Contains("topic write zigbee2mqtt/+/+/availability\n", acl);
        Assert.DoesNotContain("topic write zigbee2mqtt/#", acl);
        Assert.Contains("topic write zigbee2mqtt/+/set\n", acl.Split("user bridge-zigbee2mqtt")[0]);
    }

    private static MqttPrincipal Principal(string who) => who switch
    {
        "bridge" => new MqttPrincipal("bridge-zigbee2mqtt", MqttPrincipalKind.Bridge, "zigbee2mqtt"),
        "other-bridge" => new MqttPrincipal("bridge-upstairs", MqttPrincipalKind.Bridge, "upstairs"),
        "controller" => new MqttPrincipal("settingcontrol-controller", MqttPrincipalKind.Controller),
        "gateway" => new MqttPrincipal("gw", MqttPrincipalKind.Gateway),
        _ => new MqttPrincipal("l1", MqttPrincipalKind.Device),
    };

    [Fact]
    public void Friendly_names_are_checked_before_they_reach_a_topic()
    {
        Assert.True(Zigbee2MqttTopics.IsUsableFriendlyName("room-1/ceiling"));
        Assert.True(Zigbee2MqttTopics.IsUsableFriendlyName("Raum 1 Decke"));
        Assert.False(Zigbee2MqttTopics.IsUsableFriendlyName("room/+/x"));
        Assert.False(Zigbee2MqttTopics.IsUsableFriendlyName("room//x"));
        Assert.False(Zigbee2MqttTopics.IsUsableFriendlyName("lamp/set"));
        Assert.False(Zigbee2MqttTopics.IsUsableFriendlyName("bridge/state"));
        Assert.False(Zigbee2MqttTopics.IsUsableFriendlyName("lamp\u0000"));
        Assert.False(Zigbee2MqttTopics.IsUsableFriendlyName(new string('a', 129)));
    }
}
