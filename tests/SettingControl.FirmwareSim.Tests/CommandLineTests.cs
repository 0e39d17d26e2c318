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
    public void Help_is_recognised()
    {
        Assert.True(CommandLine.TryParse(["--help"], out var cli, out _));
        Assert.True(cli.Help);
        Assert.Contains("--offline-after", CommandLine.Usage, StringComparison.Ordinal);
    }
}
