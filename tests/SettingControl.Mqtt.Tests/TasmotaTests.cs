using System.Buffers;
using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Conventions.Tasmota;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Tests;

/// <summary>The Tasmota convention: value mapping, Backlog, RESULT/STATE/LWT parsing, drops, topics, logins and ACL.</summary>
public sealed class TasmotaTests : IDisposable
{
    private const string DeviceId = "tasmota-dimmer-3";

    private readonly TestDataDirectory _data = new("settingcontrol-tasmota-tests");
    private readonly TasmotaDirectory _devices;
    private readonly TasmotaConvention _convention;

    public TasmotaTests()
    {
        _devices = new TasmotaDirectory(_data.Path, _data.Accounts);
        _convention = new TasmotaConvention(_devices);
        Assert.NotNull(_devices.Register("dimmer-3", "Room 3 ceiling", DateTimeOffset.UnixEpoch).Device);
    }

    public void Dispose() => _data.Dispose();

    private ConventionParse Receive(string topic, string payload) =>
        _convention.Parse(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)));

    [Theory]
    [InlineData(6500, 154)]
    [InlineData(6536, 153)]
    [InlineData(10000, 153)]
    [InlineData(2700, 370)]
    [InlineData(2000, 500)]
    [InlineData(1800, 500)]
    public void Kelvin_maps_to_ct_mireds_clamped_to_153_500(int kelvin, int ct) => Assert.Equal(ct, TasmotaValues.ToCt(kelvin));

    [Theory]
    [InlineData(153, 6536)]
    [InlineData(370, 2703)]
    [InlineData(500, 2000)]
    public void Ct_maps_back_to_kelvin(int ct, int kelvin) => Assert.Equal(kelvin, TasmotaValues.ToKelvin(ct));

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(100, 100)]
    [InlineData(130, 100)]
    public void Brightness_percent_is_the_dimmer(int percent, int dimmer) => Assert.Equal(dimmer, TasmotaValues.ToDimmer(percent));

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, 1)]
    [InlineData(500, 1)]
    [InlineData(1000, 2)]
    [InlineData(1250, 3)]
    [InlineData(20_000, 40)]
    [InlineData(60_000, 40)]
    public void A_fade_is_speed_in_half_seconds_at_most_20_s(int transitionMs, int? speed) => Assert.Equal(speed, TasmotaValues.ToSpeed(transitionMs));

    [Fact]
    public void The_light_range_and_native_fade_limit_are_what_is_announced()
    {
        var announced = Assert.IsType<InboundDeviceMessage.Announced>(Receive("tele/dimmer-3/LWT", "Online").Messages[0]).Announcement;

        Assert.Equal((DeviceId, "light", "tasmota", "Room 3 ceiling"), (announced.DeviceId, announced.Kind, announced.Convention, announced.Name));
        Assert.Equal((2000, 6500, 20_000), (announced.MinColorTempK, announced.MaxColorTempK, announced.MaxTransitionMs));
    }

    [Theory]
    [InlineData(true, 40, 2700, 2000, "Fade 1; SetOption117 1; Speed 4; Dimmer 40; CT 370")]
    [InlineData(true, 100, 6500, 0, "Fade 0; Dimmer 100; CT 154")]
    [InlineData(true, 1, 1800, 20_000, "Fade 1; SetOption117 1; Speed 40; Dimmer 1; CT 500")]
    [InlineData(false, 40, 2700, 5000, "Fade 1; SetOption117 1; Speed 10; Power OFF")]
    [InlineData(true, 0, 2700, 0, "Fade 0; Power OFF")]
    public void Commands_are_one_backlog(bool on, int brightness, int kelvin, int transitionMs, string expected)
    {
        var request = _convention.BuildCommand(new DeviceCommand(DeviceId, DeviceKind.Light, on, brightness, kelvin, null, transitionMs), "c1");

        Assert.NotNull(request);
        Assert.Equal("cmnd/dimmer-3/Backlog", request.Value.Topic);
        Assert.Equal(expected, Encoding.UTF8.GetString(request.Value.Payload));
    }

    [Fact]
    public void An_on_without_brightness_is_power_on_and_an_unregistered_device_gets_nothing()
    {
        var request = _convention.BuildCommand(new DeviceCommand(DeviceId, DeviceKind.Light, true, null, null, null, 0), "c1");
        Assert.Equal("Fade 0; Power ON", Encoding.UTF8.GetString(request!.Value.Payload));
        Assert.Null(_convention.BuildCommand(new DeviceCommand("tasmota-other", DeviceKind.Light, true, 50, null, null, 0), "c2"));
    }

    [Fact]
    public void Online_announces_and_reads_back_with_state_and_offline_takes_the_device_offline()
    {
        var online = Receive("tele/dimmer-3/LWT", "Online");

        Assert.True(online.Accepted);
        Assert.Equal(new InboundDeviceMessage.AvailabilityChanged(DeviceId, true), online.Messages[^1]);
        var readBack = Assert.Single(online.Requests);
        Assert.Equal(("cmnd/dimmer-3/State", 0), (readBack.Topic, readBack.Payload.Length));
        Assert.Equal("online", _convention.StatusOf(DeviceId).Availability);

        var offline = Receive("tele/dimmer-3/LWT", "Offline");
        Assert.Equal([new InboundDeviceMessage.AvailabilityChanged(DeviceId, false)], offline.Messages);
        Assert.Empty(offline.Requests);
        Assert.Equal("offline", _convention.StatusOf(DeviceId).Availability);
    }

    [Fact]
    public void A_result_with_unexpected_fields_is_a_state_report_of_power_dimmer_and_ct()
    {
        Receive("tele/dimmer-3/LWT", "Online");

        var parsed = Receive("stat/dimmer-3/RESULT", """{"POWER":"ON","Dimmer":40,"Color":"3D52","White":40,"CT":370,"Channel":[12,28],"Surprise":{"x":[1,2]}}""");

        var report = Assert.IsType<InboundDeviceMessage.StateReported>(Assert.Single(parsed.Messages));
        Assert.Equal((true, 40, 2703), (report.State.On, report.State.Brightness, report.State.ColorTempK));
    }

    [Fact]
    public void State_telemetry_and_a_plain_power_reply_are_reports_too()
    {
        Receive("tele/dimmer-3/LWT", "Online");
        var state = Receive("tele/dimmer-3/STATE", """{"Time":"2026-01-01T00:00:00","Uptime":"0T00:01:00","POWER":"OFF","Dimmer":100,"CT":153,"Fade":"ON","Speed":4,"Wifi":{"RSSI":84}}""");
        Assert.Equal((false, 100, 6500), Report(state));

        var power = Receive("stat/dimmer-3/POWER", "ON");
        Assert.Equal((true, 100, 6500), Report(power));
    }

    [Fact]
    public void Info1_names_module_and_version_in_a_new_announcement()
    {
        Receive("tele/dimmer-3/LWT", "Online");

        var info = Receive("tele/dimmer-3/INFO1", """{"Info1":{"Module":"Generic","Version":"14.3.0(release-tasmota)","FallbackTopic":"cmnd/DVES_ER_3_fb/","GroupTopic":"cmnd/tasmotas/"}}""");

        var announced = Assert.IsType<InboundDeviceMessage.Announced>(Assert.Single(info.Messages)).Announcement;
        Assert.Equal(("Generic", "14.3.0(release-tasmota)"), (announced.Model, announced.Firmware));
        Assert.Empty(Receive("tele/dimmer-3/INFO1", """{"Info1":{"Module":"Generic","Version":"14.3.0(release-tasmota)"}}""").Messages);
        Assert.Empty(Receive("tele/dimmer-3/INFO1", """{"Info1":{}}""").Messages);
    }

    [Fact]
    public void A_device_that_reports_before_its_lwt_is_announced_and_online()
    {
        var parsed = Receive("stat/dimmer-3/RESULT", """{"POWER":"ON","Dimmer":10,"CT":500}""");

        Assert.Collection(parsed.Messages,
            m => Assert.IsType<InboundDeviceMessage.Announced>(m),
            m => Assert.Equal(new InboundDeviceMessage.AvailabilityChanged(DeviceId, true), m),
            m => Assert.IsType<InboundDeviceMessage.StateReported>(m));
    }

    [Theory]
    [InlineData("""{"Fade":"ON"}""")]
    [InlineData("""{"Speed":4}""")]
    [InlineData("""{"SetOption117":"ON"}""")]
    [InlineData("""{"Command":"Unknown"}""")]
    public void Replies_about_settings_are_accepted_and_change_nothing(string payload)
    {
        var parsed = Receive("stat/dimmer-3/RESULT", payload);
        Assert.True(parsed.Accepted);
        Assert.Empty(parsed.Messages);
    }

    [Theory]
    [InlineData("stat/dimmer-3/RESULT", "{\"POWER\":\"ON\",", DropReason.InvalidJson)]
    [InlineData("stat/dimmer-3/RESULT", "[1,2]", DropReason.InvalidJson)]
    [InlineData("stat/dimmer-3/RESULT", """{"POWER":"ON","Dimmer":101}""", DropReason.OutOfRange)]
    [InlineData("stat/dimmer-3/RESULT", """{"POWER":"ON","Dimmer":-1}""", DropReason.OutOfRange)]
    [InlineData("stat/dimmer-3/RESULT", """{"POWER":"ON","CT":152}""", DropReason.OutOfRange)]
    [InlineData("tele/dimmer-3/STATE", """{"POWER":"ON","CT":501}""", DropReason.OutOfRange)]
    [InlineData("tele/dimmer-3/STATE", """{"POWER":"ON","Dimmer":"40"}""", DropReason.InvalidJson)]
    [InlineData("stat/dimmer-3/RESULT", """{"POWER":"MAYBE"}""", DropReason.UnknownValue)]
    [InlineData("stat/dimmer-3/POWER", "2", DropReason.UnknownValue)]
    [InlineData("tele/dimmer-3/LWT", "online-ish", DropReason.UnknownValue)]
    [InlineData("tele/dimmer-3/INFO1", "{", DropReason.InvalidJson)]
    [InlineData("tele/dimmer-4/STATE", """{"POWER":"ON"}""", DropReason.UnknownTopic)]
    [InlineData("tele/dimmer-3/x/STATE", """{"POWER":"ON"}""", DropReason.UnknownTopic)]
    [InlineData("cmnd/dimmer-3/Backlog", "Power OFF", DropReason.UnknownTopic)]
    public void Bad_messages_are_dropped_with_their_reason(string topic, string payload, DropReason reason)
    {
        var parsed = Receive(topic, payload);
        Assert.Equal(reason, parsed.Reason);
        Assert.Empty(parsed.Messages);
    }

    [Fact]
    public void Oversized_and_non_utf8_payloads_are_dropped_and_counted_by_the_registry()
    {
        var registry = new DeviceConventionRegistry([_convention]);
        var large = "{\"POWER\":\"ON\",\"x\":\"" + new string('a', PayloadParser.MaxPayloadBytes) + "\"}";

        Assert.Equal(DropReason.TooLarge, registry.Parse("stat/dimmer-3/RESULT", new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(large))).Reason);
        Assert.Equal(DropReason.NotUtf8, registry.Parse("stat/dimmer-3/RESULT", new ReadOnlySequence<byte>([0xff, 0xfe])).Reason);
        Assert.Equal(DropReason.UnknownTopic, registry.Parse("tele/dimmer-9/LWT", new ReadOnlySequence<byte>("Online"u8.ToArray())).Reason);
        Assert.Same(_convention, registry.ConventionOf(DeviceId));
    }

    [Theory]
    [InlineData("dimmer-3", true)]
    [InlineData("tasmota_1A2B3C", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("room/3", false)]
    [InlineData("room+", false)]
    [InlineData("room#", false)]
    [InlineData("$SYS", false)]
    [InlineData("dim\u0001mer", false)]
    [InlineData("dim mer", false)]
    [InlineData("tasmotas", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    public void Device_topics_are_one_safe_level(string? topic, bool usable) => Assert.Equal(usable, TasmotaTopics.IsUsableTopic(topic));

    [Fact]
    public void Registration_issues_a_login_bound_to_the_topic_and_refuses_duplicates_and_bad_topics()
    {
        var device = Assert.Single(_devices.List());
        Assert.Equal((DeviceId, "dimmer-3"), (device.DeviceId, _data.Accounts.ScopeOf(device.DeviceId)));
        Assert.Equal(MqttAccountRole.Tasmota, _data.Accounts.List().Single(a => a.Username == DeviceId).Role);
        Assert.Equal(["stat/dimmer-3/+", "tele/dimmer-3/+"], _convention.SubscriptionFilters);

        Assert.Contains(_devices.Register("Dimmer-3", "Copy", DateTimeOffset.UnixEpoch).Refusals, r => r.Field == "topic" && r.Conflict);
        Assert.Contains(_devices.Register("room/3", "Slash", DateTimeOffset.UnixEpoch).Refusals, r => r.Field == "topic" && !r.Conflict);
        Assert.Contains(_devices.Register("lamp", "", DateTimeOffset.UnixEpoch).Refusals, r => r.Field == "name");

        Assert.True(_devices.Remove(DeviceId));
        Assert.False(_data.Accounts.Has(DeviceId));
        Assert.Empty(_convention.SubscriptionFilters);
        Assert.False(_devices.Remove(DeviceId));
    }

    [Theory]
    [InlineData("tele")]
    [InlineData("stat/zigbee")]
    [InlineData("cmnd")]
    public void A_bridge_may_not_take_tasmotas_topics(string baseTopic)
    {
        var bridges = new SettingControl.Mqtt.Bridges.BridgeDirectory(_data.Path, _data.Accounts, "settingcontrol");
        Assert.Contains(bridges.Register("zigbee2mqtt", baseTopic, "Clash").Refusals, r => r.Field == "baseTopic" && r.Message.Contains("overlaps", StringComparison.Ordinal));
    }

    [Fact]
    public void The_tasmota_login_authenticates_with_its_topic_as_scope()
    {
        var (_, secret, _) = _devices.Register("lamp-8", "Lamp 8", DateTimeOffset.UnixEpoch);
        var access = new BrokerAccess(new ControllerAccount("settingcontrol-controller", "p"), _data.Accounts, new BrokerAccessPolicy([_convention.AccessRules]));

        Assert.Equal(new MqttPrincipal("tasmota-lamp-8", MqttPrincipalKind.Tasmota, "lamp-8"), access.Authenticate("tasmota-lamp-8", secret));
        Assert.Null(access.Authenticate("tasmota-lamp-8", "wrong"));
    }

    [Theory]
    [InlineData("tasmota", "stat/dimmer-3/RESULT", true)]
    [InlineData("tasmota", "stat/dimmer-3/POWER", true)]
    [InlineData("tasmota", "tele/dimmer-3/LWT", true)]
    [InlineData("tasmota", "tele/dimmer-3/STATE", true)]
    [InlineData("tasmota", "cmnd/dimmer-3/Power", false)]
    [InlineData("tasmota", "cmnd/dimmer-3/Backlog", false)]
    [InlineData("tasmota", "stat/dimmer-4/RESULT", false)]
    [InlineData("tasmota", "tele/dimmer-4/LWT", false)]
    [InlineData("tasmota", "cmnd/tasmotas/Power", false)]
    [InlineData("tasmota", "settingcontrol/devices/l1/state", false)]
    [InlineData("tasmota", "zigbee2mqtt/lamp", false)]
    [InlineData("other-tasmota", "stat/dimmer-3/RESULT", false)]
    [InlineData("controller", "cmnd/dimmer-3/Backlog", true)]
    [InlineData("controller", "cmnd/dimmer-3/State", true)]
    [InlineData("controller", "cmnd/dimmer-9/Backlog", false)]
    [InlineData("controller", "cmnd/tasmotas/Backlog", false)]
    [InlineData("controller", "stat/dimmer-3/RESULT", false)]
    [InlineData("device", "stat/dimmer-3/RESULT", false)]
    [InlineData("device", "cmnd/dimmer-3/Backlog", false)]
    [InlineData("gateway", "tele/dimmer-3/LWT", false)]
    [InlineData("bridge", "cmnd/dimmer-3/Backlog", false)]
    public void Publish_matrix(string who, string topic, bool allowed) =>
        Assert.Equal(allowed, new BrokerAccessPolicy([_convention.AccessRules]).MayPublish(Principal(who), topic));

    [Theory]
    [InlineData("tasmota", "cmnd/dimmer-3/+", true)]
    [InlineData("tasmota", "cmnd/dimmer-3/#", true)]
    [InlineData("tasmota", "cmnd/dimmer-4/#", false)]
    [InlineData("tasmota", "cmnd/+/#", false)]
    [InlineData("tasmota", "cmnd/tasmotas/#", false)]
    [InlineData("tasmota", "stat/dimmer-3/+", false)]
    [InlineData("tasmota", "#", false)]
    [InlineData("controller", "stat/dimmer-3/+", true)]
    [InlineData("controller", "tele/dimmer-3/+", true)]
    [InlineData("controller", "tele/dimmer-9/+", false)]
    [InlineData("controller", "tele/+/LWT", false)]
    [InlineData("device", "cmnd/dimmer-3/#", false)]
    [InlineData("other-tasmota", "cmnd/dimmer-3/#", false)]
    public void Subscribe_matrix(string who, string filter, bool allowed) =>
        Assert.Equal(allowed, new BrokerAccessPolicy([_convention.AccessRules]).MaySubscribe(Principal(who), filter));

    [Fact]
    public void The_mosquitto_acl_gives_each_tasmota_its_own_topics_and_the_controller_their_commands()
    {
        var acl = MosquittoConfig.AclFile(new BrokerAccessPolicy([_convention.AccessRules]), new ControllerAccount("settingcontrol-controller", "secret"), _data.Accounts);

        Assert.Contains("user tasmota-dimmer-3\ntopic write stat/dimmer-3/#\ntopic write tele/dimmer-3/#\ntopic read cmnd/dimmer-3/#\n", acl);
        var controller = acl.Split("user tasmota-dimmer-3")[0];
        Assert.Contains("topic read stat/dimmer-3/#\ntopic read tele/dimmer-3/#\ntopic write cmnd/dimmer-3/#\n", controller);
        Assert.DoesNotContain("cmnd/dimmer-3", acl.Split("user tasmota-dimmer-3")[1].Replace("topic read cmnd/dimmer-3/#", string.Empty, StringComparison.Ordinal));
    }

    private static (bool On, int? Brightness, int? Kelvin) Report(ConventionParse parsed)
    {
        var report = Assert.IsType<InboundDeviceMessage.StateReported>(parsed.Messages[^1]);
        return (report.State.On, report.State.Brightness, report.State.ColorTempK);
    }

    private static MqttPrincipal Principal(string who) => who switch
    {
        "tasmota" => new MqttPrincipal(DeviceId, MqttPrincipalKind.Tasmota, "dimmer-3"),
        "other-tasmota" => new MqttPrincipal("tasmota-dimmer-4", MqttPrincipalKind.Tasmota, "dimmer-4"),
        "controller" => new MqttPrincipal("settingcontrol-controller", MqttPrincipalKind.Controller),
        "gateway" => new MqttPrincipal("gw", MqttPrincipalKind.Gateway),
        "bridge" => new MqttPrincipal("bridge-zigbee2mqtt", MqttPrincipalKind.Bridge, "zigbee2mqtt"),
        _ => new MqttPrincipal("l1", MqttPrincipalKind.Device),
    };
}
