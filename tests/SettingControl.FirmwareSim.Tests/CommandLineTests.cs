using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Defaults_simulate_one_room_on_the_local_broker()
    {
        Assert.True(CommandLine.TryParse([], out var cli, out _));
        Assert.Equal(("127.0.0.1", 1883, 1), (cli.BrokerHost, cli.BrokerPort, cli.Rooms));
        Assert.Equal(["room-1-light-1", "room-1-light-2", "room-1-mask"], cli.ToDeviceOptions().Select(d => d.DeviceId));
    }

    [Fact]
    public void All_flags_are_understood()
    {
        string[] args =
        [
            "--broker", "10.1.2.3:1884", "--rooms=2", "--device", "lab-lamp:light", "--device", "lab-mask:mask",
            "--base-topic", "clinic", "--username", "sim", "--password", "secret", "--report-ms", "250",
            "--offline-after", "1.5", "--reboot-after", "30", "--drop-commands", "--delay-ms", "400", "--garbage", "12",
        ];

        Assert.True(CommandLine.TryParse(args, out var cli, out var error), error);
        Assert.Equal(("10.1.2.3", 1884, 2, "clinic"), (cli.BrokerHost, cli.BrokerPort, cli.Rooms, cli.BaseTopic));
        Assert.Equal(("sim", "secret", 250), (cli.Username, cli.Password, cli.ReportIntervalMs));
        Assert.Equal((TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30)), (cli.OfflineAfter, cli.RebootAfter));
        Assert.Equal((true, TimeSpan.FromMilliseconds(400), 12), (cli.DropCommands, cli.CommandDelay, cli.Garbage));

        var devices = cli.ToDeviceOptions();
        Assert.Equal(8, devices.Count);
        Assert.Equal(("lab-mask", DeviceKinds.Mask), (devices[^1].DeviceId, devices[^1].Kind));
        Assert.All(devices, d => Assert.Equal(("10.1.2.3", 1884, "clinic", "sim", "secret", 250), (d.BrokerHost, d.BrokerPort, d.BaseTopic, d.Username, d.Password, d.ReportIntervalMs)));
    }

    [Fact]
    public void A_credentials_file_logs_each_device_in_as_itself_with_its_own_password()
    {
        var file = Path.Combine(Path.GetTempPath(), "fwsim-credentials-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """{"room-1-light-1":"pw-a","room-1-light-2":"pw-b","room-1-mask":"pw-c","lab-lamp":"pw-d"}""");
        try
        {
            Assert.True(CommandLine.TryParse(["--credentials-file", file, "--device", "lab-lamp:light", "--rooms", "1", "--keep-alive", "2", "--ca-file", "/tmp/ca.pem"], out var cli, out var error), error);
            var devices = cli.ToDeviceOptions();
            Assert.Equal(
                [("room-1-light-1", "pw-a"), ("room-1-light-2", "pw-b"), ("room-1-mask", "pw-c"), ("lab-lamp", "pw-d")],
                devices.Select(d => (d.Username!, d.Password!)).ToArray());
            Assert.All(devices, d => Assert.Equal((2, true, "/tmp/ca.pem"), (d.KeepAliveSeconds, d.UseTls, d.CaFile)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Devices_alone_replace_the_default_room()
    {
        Assert.True(CommandLine.TryParse(["--device", "a:light"], out var cli, out _));
        Assert.Equal(["a"], cli.ToDeviceOptions().Select(d => d.DeviceId));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--rooms")]
    [InlineData("--rooms", "many")]
    [InlineData("--rooms", "0")]
    [InlineData("--broker", "localhost")]
    [InlineData("--broker", "localhost:99999")]
    [InlineData("--device", "lamp:toaster")]
    [InlineData("--device", "Bad Id:light")]
    [InlineData("--device", "a:light", "--device", "a:mask")]
    [InlineData("--base-topic", "a/#")]
    [InlineData("--report-ms", "1")]
    [InlineData("--offline-after", "-3")]
    [InlineData("--drop-commands=yes")]
    [InlineData("--delay-ms", "--garbage", "3")]
    public void Bad_arguments_are_refused_with_a_message(params string[] args)
    {
        Assert.False(CommandLine.TryParse(args, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Convention_defaults_to_v1()
    {
        Assert.True(CommandLine.TryParse(["--rooms", "2"], out var cli, out var error), error);
        Assert.Equal((Convention.V1, "settingcontrol", 100), (cli.Convention, cli.BaseTopic, cli.ReportIntervalMs));
        Assert.True(CommandLine.TryParse(["--convention", "v1"], out var explicitV1, out error), error);
        Assert.Equal(Convention.V1, explicitV1.Convention);
    }

    [Fact]
    public void Zigbee2mqtt_plays_one_bridge_with_the_bulbs_of_every_room_and_logs_in_with_the_given_login()
    {
        Assert.True(CommandLine.TryParse(["--convention=zigbee2mqtt", "--rooms", "3", "--broker", "10.0.0.9:8883", "--username", "bridge", "--password", "pw", "--tls", "--keep-alive", "7"], out var cli, out var error), error);
        Assert.Equal((Convention.Zigbee2Mqtt, "zigbee2mqtt", 1000), (cli.Convention, cli.BaseTopic, cli.ReportIntervalMs));

        var bridge = cli.ToBridgeOptions();
        Assert.Equal("zigbee2mqtt", bridge.BaseTopic);
        Assert.Equal(["room-1/ceiling", "room-2/ceiling", "room-3/ceiling"], bridge.Bulbs.Select(b => b.FriendlyName));
        Assert.Equal(("10.0.0.9", 8883, "bridge", "pw", true, 7), (bridge.Broker.BrokerHost, bridge.Broker.BrokerPort, bridge.Broker.Username, bridge.Broker.Password, bridge.Broker.UseTls, bridge.Broker.KeepAliveSeconds));
    }

    [Fact]
    public void Zigbee2mqtt_takes_its_base_topic_report_interval_and_a_login_from_the_credentials_file()
    {
        var file = Path.Combine(Path.GetTempPath(), "fwsim-credentials-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """{"zigbee2mqtt-sim":"pw-bridge"}""");
        try
        {
            Assert.True(CommandLine.TryParse(["--convention", "zigbee2mqtt", "--base-topic", "z2m/floor-1", "--report-ms", "250", "--credentials-file", file], out var cli, out var error), error);
            var bridge = cli.ToBridgeOptions();
            Assert.Equal(("z2m/floor-1", 250, 1), (bridge.BaseTopic, bridge.ReportIntervalMs, bridge.Bulbs.Count));
            Assert.Equal(("zigbee2mqtt-sim", "pw-bridge"), (bridge.Broker.Username, bridge.Broker.Password));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Tasmota_plays_one_light_per_room()
    {
        Assert.True(CommandLine.TryParse(["--convention", "tasmota", "--rooms", "2", "--username", "sim", "--password", "secret"], out var cli, out var error), error);
        var lights = cli.ToTasmotaOptions();
        Assert.Equal(["tasmota_room1", "tasmota_room2"], lights.Select(l => l.Topic));
        Assert.All(lights, l => Assert.Equal(("127.0.0.1", 1883, "sim", "secret"), (l.Broker.BrokerHost, l.Broker.BrokerPort, l.Broker.Username, l.Broker.Password)));
    }

    [Fact]
    public void Homeassistant_plays_one_esphome_json_light_per_room()
    {
        Assert.True(CommandLine.TryParse(["--convention", "homeassistant", "--rooms", "2", "--username", "sim", "--password", "secret"], out var cli, out var error), error);
        var lights = cli.ToJsonLightOptions();
        Assert.Equal(
            [("jsonlight-room-1-lamp", "esphome/room-1-lamp/light/command", "esphome/room-1-lamp/light/state", "esphome/room-1-lamp/status"),
             ("jsonlight-room-2-lamp", "esphome/room-2-lamp/light/command", "esphome/room-2-lamp/light/state", "esphome/room-2-lamp/status")],
            lights.Select(l => (l.ClientId, l.CommandTopic, l.StateTopic, l.AvailabilityTopic)));
        Assert.All(lights, l => Assert.Equal(("127.0.0.1", 1883, "sim", "secret", 500, false), (l.Broker.BrokerHost, l.Broker.BrokerPort, l.Broker.Username, l.Broker.Password, l.ReportIntervalMs, l.ComesBackAtFullWhite)));
    }

    [Fact]
    public void A_json_light_can_come_back_from_a_power_cut_at_full_white()
    {
        Assert.True(CommandLine.TryParse(["--convention", "homeassistant", "--reboot-after", "9", "--full-white-after-power-cut", "--report-ms", "200"], out var cli, out var error), error);
        var light = Assert.Single(cli.ToJsonLightOptions());
        Assert.Equal((true, 200, TimeSpan.FromSeconds(9)), (light.ComesBackAtFullWhite, light.ReportIntervalMs, cli.RebootAfter));
    }

    [Fact]
    public void Fault_switches_parse_for_every_convention()
    {
        Assert.True(CommandLine.TryParse(["--convention", "tasmota", "--offline-after", "4", "--drop-commands", "--delay-ms", "50", "--garbage", "2", "--reboot-after", "9"], out var cli, out var error), error);
        Assert.Equal((TimeSpan.FromSeconds(4), true, TimeSpan.FromMilliseconds(50), 2, TimeSpan.FromSeconds(9)), (cli.OfflineAfter, cli.DropCommands, cli.CommandDelay, cli.Garbage, cli.RebootAfter));
    }

    [Theory]
    [InlineData("--convention", "hue")]
    [InlineData("--convention")]
    [InlineData("--convention", "zigbee2mqtt", "--device", "a:light")]
    [InlineData("--convention", "tasmota", "--base-topic", "x")]
    [InlineData("--convention", "homeassistant", "--base-topic", "x")]
    [InlineData("--convention", "homeassistant", "--device", "a:light")]
    [InlineData("--convention", "tasmota", "--full-white-after-power-cut")]
    [InlineData("--convention", "homeassistant", "--full-white-after-power-cut=yes")]
    [InlineData("--convention", "zigbee2mqtt", "--rooms", "0")]
    public void Bad_convention_arguments_are_refused_with_a_message(params string[] args)
    {
        Assert.False(CommandLine.TryParse(args, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Help_is_recognised()
    {
        Assert.True(CommandLine.TryParse(["--help"], out var cli, out _));
        Assert.True(cli.Help);
        Assert.Contains("--offline-after", CommandLine.Usage, StringComparison.Ordinal);
        Assert.Contains("--convention", CommandLine.Usage, StringComparison.Ordinal);
    }
}
