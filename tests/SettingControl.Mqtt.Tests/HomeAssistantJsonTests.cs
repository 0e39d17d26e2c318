using System.Buffers;
using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Conventions.HomeAssistantJson;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Tests;

/// <summary>The Home Assistant JSON light convention: value mapping, commands, state and availability parsing, drops, registration, logins and ACL.</summary>
public sealed class HomeAssistantJsonTests : IDisposable
{
    private const string DeviceId = "jsonlight-reading-lamp";
    private const string CommandTopic = "esphome/reading-lamp/light/command";
    private const string StateTopic = "esphome/reading-lamp/light/state";
    private const string AvailabilityTopic = "esphome/reading-lamp/status";

    private readonly TestDataDirectory _data = new("settingcontrol-jsonlight-tests");
    private readonly BridgeDirectory _bridges;
    private readonly JsonLightDirectory _lights;
    private readonly JsonLightConvention _convention;

    public HomeAssistantJsonTests()
    {
        _bridges = new BridgeDirectory(_data.Path, _data.Accounts, "settingcontrol");
        _lights = new JsonLightDirectory(_data.Path, _data.Accounts, "settingcontrol", _bridges);
        _convention = new JsonLightConvention(_lights);
        Assert.NotNull(_lights.Register(ReadingLamp(), DateTimeOffset.UnixEpoch).Light);
    }

    public void Dispose() => _data.Dispose();

    private static JsonLightRequest ReadingLamp(string name = "Reading lamp") => new(name, CommandTopic, StateTopic, AvailabilityTopic);

    private ConventionParse Receive(string topic, string payload) =>
        _convention.Parse(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)));

    [Theory]
    [InlineData(0, 255, 0)]
    [InlineData(1, 255, 3)]
    [InlineData(1, 100, 1)]
    [InlineData(1, 10, 1)]
    [InlineData(40, 255, 102)]
    [InlineData(50, 255, 128)]
    [InlineData(100, 255, 255)]
    [InlineData(130, 255, 255)]
    [InlineData(100, 1, 1)]
    [InlineData(1, 65_535, 655)]
    [InlineData(100, 65_535, 65_535)]
    public void Brightness_percent_maps_to_the_scale_rounded_and_never_to_0_when_lit(int percent, int scale, int level) =>
        Assert.Equal(level, LightValues.ToLevel(percent, scale));

    [Theory]
    [InlineData(0, 255, 0)]
    [InlineData(1, 255, 1)]
    [InlineData(102, 255, 40)]
    [InlineData(255, 255, 100)]
    [InlineData(1, 65_535, 1)]
    [InlineData(1, 1, 100)]
    public void A_reported_level_maps_back_to_percent(int level, int scale, int percent) =>
        Assert.Equal(percent, LightValues.ToPercent(level, scale));

    [Theory]
    [InlineData(2700, 153, 500, 370)]
    [InlineData(6500, 153, 500, 154)]
    [InlineData(1800, 153, 500, 500)]
    [InlineData(2000, 200, 400, 400)]
    [InlineData(6500, 200, 400, 200)]
    public void Kelvin_maps_to_mireds_clamped_to_the_lights_range(int kelvin, int min, int max, int mireds) =>
        Assert.Equal(mireds, LightValues.ToMireds(kelvin, min, max));

    [Theory]
    [InlineData(true, 40, 2700, 2000, """{"state":"ON","brightness":102,"color_temp":370,"transition":2}""")]
    [InlineData(true, 100, 6500, 0, """{"state":"ON","brightness":255,"color_temp":154,"transition":0}""")]
    [InlineData(true, 1, 1800, 1250, """{"state":"ON","brightness":3,"color_temp":500,"transition":1.25}""")]
    [InlineData(false, 40, 2700, 5000, """{"state":"OFF","transition":5}""")]
    [InlineData(true, 0, 2700, 0, """{"state":"OFF","transition":0}""")]
    [InlineData(true, 50, null, 30_000, """{"state":"ON","brightness":128,"transition":30}""")]
    public void Commands_are_one_json_object_on_the_command_topic(bool on, int brightness, int? kelvin, int transitionMs, string expected)
    {
        var request = _convention.BuildCommand(new DeviceCommand(DeviceId, DeviceKind.Light, on, brightness, kelvin, null, transitionMs), "c1");

        Assert.NotNull(request);
        Assert.Equal(CommandTopic, request.Value.Topic);
        Assert.Equal(expected, Encoding.UTF8.GetString(request.Value.Payload));
    }

    [Fact]
    public void After_a_fade_to_off_the_next_on_states_its_brightness()
    {
        var off = _convention.BuildCommand(new DeviceCommand(DeviceId, DeviceKind.Light, false, 0, 2700, null, 20_000), "c1")!.Value;
        var on = _convention.BuildCommand(new DeviceCommand(DeviceId, DeviceKind.Light, true, 30, 2700, null, 0), "c2")!.Value;

        Assert.Equal("""{"state":"OFF","transition":20}""", Encoding.UTF8.GetString(off.Payload));
        Assert.Equal("""{"state":"ON","brightness":77,"color_temp":370,"transition":0}""", Encoding.UTF8.GetString(on.Payload));
    }

    [Fact]
    public void A_custom_scale_and_range_and_a_light_that_cannot_fade_are_honoured_and_announced()
    {
        var (light, _, _) = _lights.Register(
            new JsonLightRequest("Desk", "custom/desk/set", "custom/desk/state", BrightnessScale: 100, MinMireds: 200, MaxMireds: 400, MaxTransitionMs: 0),
            DateTimeOffset.UnixEpoch);

        var command = _convention.BuildCommand(new DeviceCommand(light!.DeviceId, DeviceKind.Light, true, 40, 6500, null, 4000), "c1")!.Value;
        Assert.Equal("""{"state":"ON","brightness":40,"color_temp":200,"transition":0}""", Encoding.UTF8.GetString(command.Payload));

        var announced = Assert.IsType<InboundDeviceMessage.Announced>(Receive("custom/desk/state", """{"state":"ON","brightness":40,"color_temp":250}""").Messages[0]).Announcement;
        Assert.Equal((2500, 5000, 1000), (announced.MinColorTempK, announced.MaxColorTempK, announced.MaxTransitionMs));
    }

    [Fact]
    public void The_light_range_and_native_fade_limit_are_what_is_announced()
    {
        var announced = Assert.IsType<InboundDeviceMessage.Announced>(Receive(AvailabilityTopic, "online").Messages[0]).Announcement;

        Assert.Equal((DeviceId, "light", "homeassistant-json", "Reading lamp"), (announced.DeviceId, announced.Kind, announced.Convention, announced.Name));
        Assert.Equal((2000, 6500, 30_000), (announced.MinColorTempK, announced.MaxColorTempK, announced.MaxTransitionMs));
    }

    [Fact]
    public void Availability_is_the_registered_payload_and_announces_once()
    {
        var online = Receive(AvailabilityTopic, "online");
        Assert.Collection(online.Messages,
            m => Assert.IsType<InboundDeviceMessage.Announced>(m),
            m => Assert.Equal(new InboundDeviceMessage.AvailabilityChanged(DeviceId, true), m));
        Assert.Equal("online", _convention.AvailabilityOf(DeviceId));

        Assert.Equal([new InboundDeviceMessage.AvailabilityChanged(DeviceId, false)], Receive(AvailabilityTopic, "offline").Messages);
        Assert.Equal("offline", _convention.AvailabilityOf(DeviceId));
    }

    [Fact]
    public void With_an_availability_topic_a_retained_state_does_not_make_a_dead_light_online()
    {
        Receive(AvailabilityTopic, "offline");

        var state = Receive(StateTopic, """{"state":"ON","brightness":255,"color_temp":326}""");

        Assert.DoesNotContain(state.Messages, m => m is InboundDeviceMessage.AvailabilityChanged);
        Assert.Equal("offline", _convention.AvailabilityOf(DeviceId));
    }

    [Fact]
    public void Without_an_availability_topic_a_light_is_online_once_it_reports()
    {
        var (light, _, _) = _lights.Register(new JsonLightRequest("Floor lamp", "diy/floor/set", "diy/floor/state"), DateTimeOffset.UnixEpoch);
        Assert.Equal("unknown", _convention.AvailabilityOf(light!.DeviceId));

        var parsed = Receive("diy/floor/state", """{"state":"OFF"}""");

        Assert.Collection(parsed.Messages,
            m => Assert.IsType<InboundDeviceMessage.Announced>(m),
            m => Assert.Equal(new InboundDeviceMessage.AvailabilityChanged(light.DeviceId, true), m),
            m => Assert.IsType<InboundDeviceMessage.StateReported>(m));
        Assert.Equal("online", _convention.AvailabilityOf(light.DeviceId));
        Assert.Equal(["diy/floor/state", StateTopic, AvailabilityTopic], _convention.SubscriptionFilters);
    }

    [Fact]
    public void An_esphome_state_is_a_report_of_power_brightness_and_colour_temperature()
    {
        var parsed = Receive(StateTopic, """{"effect":"None","effect_index":0,"effect_count":2,"color_mode":"color_temp","state":"ON","brightness":102,"color":{},"color_temp":370}""");

        Assert.True(parsed.Accepted);
        Assert.Equal((true, 40, 2703), Report(parsed));
        Assert.Equal((false, null, null), Report(Receive(StateTopic, """{"state":"OFF"}""")));
        Assert.Equal((true, 1, 6500), Report(Receive(StateTopic, """{"state":"ON","brightness":1,"color_temp":153.2}""")));
        Assert.Equal((true, 100, null), Report(Receive(StateTopic, """{"state":"ON","brightness":255,"color_temp":null}""")));
    }

    [Theory]
    [InlineData(StateTopic, "{\"state\":\"ON\",", DropReason.InvalidJson)]
    [InlineData(StateTopic, "[1,2]", DropReason.InvalidJson)]
    [InlineData(StateTopic, "\"ON\"", DropReason.InvalidJson)]
    [InlineData(StateTopic, """{"brightness":40}""", DropReason.MissingField)]
    [InlineData(StateTopic, """{"state":true}""", DropReason.MissingField)]
    [InlineData(StateTopic, """{"state":"on"}""", DropReason.UnknownValue)]
    [InlineData(StateTopic, """{"state":"ON","brightness":256}""", DropReason.OutOfRange)]
    [InlineData(StateTopic, """{"state":"ON","brightness":-1}""", DropReason.OutOfRange)]
    [InlineData(StateTopic, """{"state":"ON","color_temp":152}""", DropReason.OutOfRange)]
    [InlineData(StateTopic, """{"state":"ON","color_temp":501}""", DropReason.OutOfRange)]
    [InlineData(StateTopic, """{"state":"ON","brightness":"40"}""", DropReason.InvalidJson)]
    [InlineData(StateTopic, """{"state":"ON","brightness":1e400}""", DropReason.InvalidJson)]
    [InlineData(StateTopic, """{"state":"ON","room":"room-2"}""", DropReason.UnexpectedField)]
    [InlineData(StateTopic, """{"state":"ON","POWER":"ON"}""", DropReason.UnexpectedField)]
    [InlineData(AvailabilityTopic, "Online", DropReason.UnknownValue)]
    [InlineData(AvailabilityTopic, "online ", DropReason.UnknownValue)]
    [InlineData(AvailabilityTopic, """{"state":"online"}""", DropReason.UnknownValue)]
    [InlineData(CommandTopic, """{"state":"ON"}""", DropReason.UnknownTopic)]
    [InlineData("esphome/other-lamp/light/state", """{"state":"ON"}""", DropReason.UnknownTopic)]
    [InlineData("esphome/reading-lamp/light/state/x", """{"state":"ON"}""", DropReason.UnknownTopic)]
    public void Bad_messages_are_dropped_with_their_reason(string topic, string payload, DropReason reason)
    {
        var parsed = Receive(topic, payload);
        Assert.Equal(reason, parsed.Reason);
        Assert.Empty(parsed.Messages);
        Assert.Equal("unknown", _convention.AvailabilityOf(DeviceId));
    }

    [Fact]
    public void Oversized_and_non_utf8_payloads_are_dropped_and_counted_by_the_registry()
    {
        var registry = new DeviceConventionRegistry([_convention]);
        var large = "{\"state\":\"ON\",\"effect\":\"" + new string('a', PayloadParser.MaxPayloadBytes) + "\"}";

        Assert.Equal(DropReason.TooLarge, registry.Parse(StateTopic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(large))).Reason);
        Assert.Equal(DropReason.NotUtf8, registry.Parse(StateTopic, new ReadOnlySequence<byte>([0xff, 0xfe])).Reason);
        Assert.Equal(DropReason.UnknownTopic, registry.Parse("esphome/ghost/status", new ReadOnlySequence<byte>("online"u8.ToArray())).Reason);
        Assert.Same(_convention, registry.ConventionOf(DeviceId));
        Assert.Null(_convention.BuildCommand(new DeviceCommand("jsonlight-ghost", DeviceKind.Light, true, 50, null, null, 0), "c1"));
    }

    [Theory]
    [InlineData("esphome/reading-lamp/light/command", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("esphome/+/command", false)]
    [InlineData("esphome/#", false)]
    [InlineData("$SYS/broker", false)]
    [InlineData("/esphome/lamp", false)]
    [InlineData("esphome/lamp\0", false)]
    [InlineData("esphome/la mp", false)]
    [InlineData("esphome/lamp\n", false)]
    public void Topics_are_exact_safe_topics(string? topic, bool usable) => Assert.Equal(usable, JsonLightDirectory.IsUsableTopic(topic));

    [Fact]
    public void Topics_of_two_hundred_characters_are_the_limit() =>
        Assert.Equal((true, false), (JsonLightDirectory.IsUsableTopic(new string('a', 200)), JsonLightDirectory.IsUsableTopic(new string('a', 201))));

    [Fact]
    public void Registration_takes_the_defaults_issues_a_login_and_revokes_it_on_removal()
    {
        var light = Assert.Single(_lights.List());
        Assert.Equal(
            (DeviceId, "online", "offline", 255, 153, 500, 30_000),
            (light.DeviceId, light.PayloadAvailable, light.PayloadNotAvailable, light.BrightnessScale, light.MinMireds, light.MaxMireds, light.MaxTransitionMs));
        Assert.Equal(MqttAccountRole.JsonLight, _data.Accounts.List().Single(a => a.Username == DeviceId).Role);
        Assert.Equal([StateTopic, AvailabilityTopic], _convention.SubscriptionFilters);

        // The registrations survive a restart.
        Assert.Equal(light, Assert.Single(new JsonLightDirectory(_data.Path, _data.Accounts, "settingcontrol", _bridges).List()));

        Assert.True(_lights.Remove(DeviceId));
        Assert.False(_data.Accounts.Has(DeviceId));
        Assert.Empty(_convention.SubscriptionFilters);
        Assert.False(_lights.Remove(DeviceId));
    }

    [Fact]
    public void A_new_password_for_the_lights_login_keeps_it_a_json_light()
    {
        var rotated = _data.Accounts.IssueDevice(DeviceId);
        var access = new BrokerAccess(new ControllerAccount("settingcontrol-controller", "p"), _data.Accounts, new BrokerAccessPolicy([_convention.AccessRules]));

        Assert.Equal(new MqttPrincipal(DeviceId, MqttPrincipalKind.JsonLight), access.Authenticate(DeviceId, rotated));
        Assert.True(access.Policy.MayPublish(access.Authenticate(DeviceId, rotated)!.Value, StateTopic));
    }

    [Fact]
    public void The_same_name_gets_its_own_id_and_a_name_without_letters_gets_a_suffix()
    {
        var twin = _lights.Register(new JsonLightRequest("Reading lamp", "esphome/twin/command", "esphome/twin/state"), DateTimeOffset.UnixEpoch).Light!;
        var symbols = _lights.Register(new JsonLightRequest("💡 <script>", "esphome/x/command", "esphome/x/state"), DateTimeOffset.UnixEpoch).Light!;

        Assert.Matches("^jsonlight-reading-lamp-[0-9a-f]{6}$", twin.DeviceId);
        Assert.Matches("^jsonlight-script$", symbols.DeviceId);
        Assert.Equal("💡 <script>", symbols.Name);
        Assert.Matches("^jsonlight-[0-9a-f]{6}$", _lights.Register(new JsonLightRequest("💡", "esphome/y/command", "esphome/y/state"), DateTimeOffset.UnixEpoch).Light!.DeviceId);
    }

    [Theory]
    [InlineData("esphome/reading-lamp/light/command", "new/state", null, "commandTopic", true)]
    [InlineData("new/command", "esphome/reading-lamp/status", null, "stateTopic", true)]
    [InlineData("new/command", "new/state", "esphome/reading-lamp/light/state", "availabilityTopic", true)]
    [InlineData("settingcontrol/devices/x/set", "new/state", null, "commandTopic", false)]
    [InlineData("settingcontrol", "new/state", null, "commandTopic", false)]
    [InlineData("new/command", "stat/lamp/RESULT", null, "stateTopic", false)]
    [InlineData("cmnd/lamp/light", "new/state", null, "commandTopic", false)]
    [InlineData("new/command", "new/state", "tele/lamp/LWT", "availabilityTopic", false)]
    [InlineData("zigbee2mqtt/lamp/set", "new/state", null, "commandTopic", false)]
    [InlineData("esphome/reading-lamp", "new/state", null, "commandTopic", false)]
    [InlineData("new/command", "new/command", null, "stateTopic", false)]
    [InlineData("new/command", "new/state", "", "availabilityTopic", false)]
    [InlineData("new/#", "new/state", null, "commandTopic", false)]
    [InlineData(null, "new/state", null, "commandTopic", false)]
    [InlineData("new/command", null, null, "stateTopic", false)]
    public void Topics_in_use_or_in_another_conventions_namespace_are_refused(string? command, string? state, string? availability, string field, bool conflict)
    {
        Assert.NotNull(_bridges.Register("zigbee2mqtt", "zigbee2mqtt", "Floor 1").Bridge);

        var (light, password, refusals) = _lights.Register(new JsonLightRequest("Other", command, state, availability), DateTimeOffset.UnixEpoch);

        Assert.Null(light);
        Assert.Null(password);
        Assert.Contains(refusals, r => r.Field == field && r.Conflict == conflict);
        Assert.Single(_lights.List());
    }

    [Theory]
    [InlineData(0, null, null, null, "brightnessScale")]
    [InlineData(65_536, null, null, null, "brightnessScale")]
    [InlineData(null, 99, null, null, "minMireds")]
    [InlineData(null, null, 1001, null, "maxMireds")]
    [InlineData(null, 500, 500, null, "maxMireds")]
    [InlineData(null, 400, 300, null, "maxMireds")]
    [InlineData(null, null, null, -1, "maxTransitionMs")]
    [InlineData(null, null, null, 3_600_001, "maxTransitionMs")]
    public void Ranges_outside_the_limits_are_refused_by_field(int? scale, int? minMireds, int? maxMireds, int? maxTransitionMs, string field)
    {
        var refusals = _lights.Register(new JsonLightRequest("Other", "new/command", "new/state", null, null, null, scale, minMireds, maxMireds, maxTransitionMs), DateTimeOffset.UnixEpoch).Refusals;

        Assert.Contains(refusals, r => r.Field == field && !r.Conflict);
    }

    [Fact]
    public void The_limits_themselves_are_accepted()
    {
        var (light, _, refusals) = _lights.Register(new JsonLightRequest("Edge", "edge/command", "edge/state", null, null, null, 65_535, 100, 1000, 3_600_000), DateTimeOffset.UnixEpoch);

        Assert.Empty(refusals);
        Assert.Equal((65_535, 100, 1000, 3_600_000), (light!.BrightnessScale, light.MinMireds, light.MaxMireds, light.MaxTransitionMs));
        Assert.Equal(1, _lights.Register(new JsonLightRequest("Scale one", "one/command", "one/state", BrightnessScale: 1), DateTimeOffset.UnixEpoch).Light!.BrightnessScale);
    }

    [Theory]
    [InlineData("", null, "name")]
    [InlineData("lamp\u0007", null, "name")]
    [InlineData("Lamp", "", "payloadAvailable")]
    [InlineData("Lamp", "offline", "payloadNotAvailable")]
    public void Names_and_payloads_are_checked(string name, string? payloadAvailable, string field) =>
        Assert.Contains(_lights.Register(new JsonLightRequest(name, "new/command", "new/state", "new/status", payloadAvailable), DateTimeOffset.UnixEpoch).Refusals, r => r.Field == field);

    [Theory]
    [InlineData("esphome")]
    [InlineData("esphome/reading-lamp/light/state")]
    [InlineData("esphome/reading-lamp/light/state/deeper")]
    public void A_bridge_may_not_take_a_lights_topics(string baseTopic) =>
        Assert.Contains(_bridges.Register("zigbee2mqtt", baseTopic, "Clash").Refusals, r => r.Field == "baseTopic" && r.Message.Contains("Reading lamp", StringComparison.Ordinal));

    [Fact]
    public void The_light_login_authenticates_as_a_json_light()
    {
        var (light, secret, _) = _lights.Register(new JsonLightRequest("Desk", "desk/command", "desk/state"), DateTimeOffset.UnixEpoch);
        var access = new BrokerAccess(new ControllerAccount("settingcontrol-controller", "p"), _data.Accounts, new BrokerAccessPolicy([_convention.AccessRules]));

        Assert.Equal(new MqttPrincipal(light!.DeviceId, MqttPrincipalKind.JsonLight), access.Authenticate(light.DeviceId, secret));
        Assert.Null(access.Authenticate(light.DeviceId, "wrong"));
    }

    [Theory]
    [InlineData("light", StateTopic, true)]
    [InlineData("light", AvailabilityTopic, true)]
    [InlineData("light", CommandTopic, false)]
    [InlineData("light", "esphome/reading-lamp/light/state/x", false)]
    [InlineData("light", "esphome/other/light/state", false)]
    [InlineData("light", "settingcontrol/devices/l1/state", false)]
    [InlineData("light", "stat/dimmer-3/RESULT", false)]
    [InlineData("other-light", StateTopic, false)]
    [InlineData("controller", CommandTopic, true)]
    [InlineData("controller", StateTopic, false)]
    [InlineData("controller", AvailabilityTopic, false)]
    [InlineData("controller", "esphome/other/light/command", false)]
    [InlineData("device", StateTopic, false)]
    [InlineData("device", CommandTopic, false)]
    [InlineData("gateway", StateTopic, false)]
    [InlineData("bridge", CommandTopic, false)]
    [InlineData("tasmota", StateTopic, false)]
    public void Publish_matrix(string who, string topic, bool allowed) =>
        Assert.Equal(allowed, new BrokerAccessPolicy([_convention.AccessRules]).MayPublish(Principal(who), topic));

    [Theory]
    [InlineData("light", CommandTopic, true)]
    [InlineData("light", "esphome/reading-lamp/light/+", false)]
    [InlineData("light", "esphome/#", false)]
    [InlineData("light", "#", false)]
    [InlineData("light", StateTopic, false)]
    [InlineData("other-light", CommandTopic, false)]
    [InlineData("controller", StateTopic, true)]
    [InlineData("controller", AvailabilityTopic, true)]
    [InlineData("controller", CommandTopic, false)]
    [InlineData("controller", "esphome/+/status", false)]
    [InlineData("device", CommandTopic, false)]
    [InlineData("tasmota", CommandTopic, false)]
    public void Subscribe_matrix(string who, string filter, bool allowed) =>
        Assert.Equal(allowed, new BrokerAccessPolicy([_convention.AccessRules]).MaySubscribe(Principal(who), filter));

    [Fact]
    public void The_mosquitto_acl_gives_each_light_its_own_topics_and_the_controller_their_commands()
    {
        var acl = MosquittoConfig.AclFile(new BrokerAccessPolicy([_convention.AccessRules]), new ControllerAccount("settingcontrol-controller", "secret"), _data.Accounts);

        Assert.Contains($"user {DeviceId}\ntopic write {StateTopic}\ntopic write {AvailabilityTopic}\ntopic read {CommandTopic}\n", acl);
        var controller = acl.Split($"user {DeviceId}")[0];
        Assert.Contains($"topic read {StateTopic}\ntopic read {AvailabilityTopic}\ntopic write {CommandTopic}\n", controller);
        Assert.DoesNotContain($"topic write {CommandTopic}", acl.Split($"user {DeviceId}")[1]);
    }

    private static (bool On, int? Brightness, int? Kelvin) Report(ConventionParse parsed)
    {
        var report = Assert.IsType<InboundDeviceMessage.StateReported>(parsed.Messages[^1]);
        return (report.State.On, report.State.Brightness, report.State.ColorTempK);
    }

    private static MqttPrincipal Principal(string who) => who switch
    {
        "light" => new MqttPrincipal(DeviceId, MqttPrincipalKind.JsonLight),
        "other-light" => new MqttPrincipal("jsonlight-other", MqttPrincipalKind.JsonLight),
        "controller" => new MqttPrincipal("settingcontrol-controller", MqttPrincipalKind.Controller),
        "device" => new MqttPrincipal(DeviceId, MqttPrincipalKind.Device),
        "gateway" => new MqttPrincipal("gateway-1", MqttPrincipalKind.Gateway),
        "bridge" => new MqttPrincipal("bridge-zigbee2mqtt", MqttPrincipalKind.Bridge, "esphome"),
        "tasmota" => new MqttPrincipal(DeviceId, MqttPrincipalKind.Tasmota, "reading-lamp"),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };
}
