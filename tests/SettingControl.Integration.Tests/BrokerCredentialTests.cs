using System.Diagnostics;
using SettingControl.DeviceProtocol;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Conventions.SettingControlV1;
using SettingControl.Mqtt.Security;

namespace SettingControl.Integration.Tests;

/// <summary>Password hashes, account files and the ACL rules, without a broker (file modes are Unix ones).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrokerCredentialTests
{
    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "settingcontrol-tests", "accounts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    [Fact]
    public async Task Hashes_written_by_mosquitto_passwd_verify_and_ours_have_its_format()
    {
        var file = Path.Combine(NewDirectory(), "passwd");
        var start = new ProcessStartInfo("mosquitto_passwd") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-c", "-b", file, "room-1-light-1", "s3cret-from-mosquitto" })
        {
            start.ArgumentList.Add(arg);
        }

        using (var process = Process.Start(start)!)
        {
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
        }

        var hash = File.ReadAllText(file).Trim().Split(':', 2)[1];
        Assert.StartsWith("$7$", hash);
        Assert.True(MosquittoPasswordHash.Verify("s3cret-from-mosquitto", hash));
        Assert.False(MosquittoPasswordHash.Verify("s3cret-from-mosquittO", hash));

        var ours = MosquittoPasswordHash.Hash("pw").Split('$');
        Assert.Equal(["", "7", "10000"], ours[..3]);
        Assert.Equal(12, Convert.FromBase64String(ours[3]).Length);
        Assert.Equal(64, Convert.FromBase64String(ours[4]).Length);
        Assert.False(MosquittoPasswordHash.Verify("pw", "$7$x$y$z"));
        Assert.False(MosquittoPasswordHash.Verify("pw", "plain"));
    }

    [Fact]
    public void Accounts_are_kept_hashed_in_an_owner_only_file_and_survive_a_restart()
    {
        var directory = NewDirectory();
        var store = new MqttAccountStore(directory, ControllerAccount.DefaultUsername);
        var password = store.IssueDevice("room-1-light-1");
        var text = File.ReadAllText(store.FilePath!);
        Assert.DoesNotContain(password, text);
        Assert.Contains("$7$", text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath!));

        var reopened = new MqttAccountStore(directory, ControllerAccount.DefaultUsername);
        Assert.Equal(MqttAccountRole.Device, reopened.Authenticate("room-1-light-1", password));
        Assert.Null(reopened.Authenticate("room-1-light-1", password + "x"));
        Assert.Throws<ArgumentException>(() => reopened.IssueDevice(ControllerAccount.DefaultUsername));
        Assert.Throws<ArgumentException>(() => reopened.IssueDevice("Bad/Id"));

        var rotated = reopened.IssueDevice("room-1-light-1");
        Assert.Null(reopened.Authenticate("room-1-light-1", password));
        Assert.Equal(MqttAccountRole.Device, reopened.Authenticate("room-1-light-1", rotated));
        Assert.True(reopened.Revoke("room-1-light-1"));
        Assert.Null(reopened.Authenticate("room-1-light-1", rotated));
    }

    [Fact]
    public void The_controller_login_is_generated_once_kept_owner_only_or_taken_from_configuration()
    {
        var directory = NewDirectory();
        var first = ControllerAccount.Resolve(new MqttOptions(), directory);
        var again = ControllerAccount.Resolve(new MqttOptions(), directory);
        Assert.Equal((first.Username, first.Password), (again.Username, again.Password));
        Assert.True(first.Password.Length >= 32);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, ControllerAccount.FileName)));

        var configured = ControllerAccount.Resolve(new MqttOptions { Username = "ops", Password = "given" }, directory);
        Assert.Equal(("ops", "given"), (configured.Username, configured.Password));
        Assert.Throws<InvalidOperationException>(() => ControllerAccount.Resolve(new MqttOptions { Username = "ops" }, directory));
    }

    [Fact]
    public void The_acl_lets_each_account_do_only_its_part()
    {
        var topics = new DeviceTopics();
        var policy = new BrokerAccessPolicy([new SettingControlV1AccessRules(topics)]);
        var device = new MqttPrincipal("room-1-light-1", MqttPrincipalKind.Device);
        var controller = new MqttPrincipal("settingcontrol-controller", MqttPrincipalKind.Controller);
        var gateway = new MqttPrincipal("bridge", MqttPrincipalKind.Gateway);

        Assert.True(policy.MayPublish(device, topics.State("room-1-light-1")));
        Assert.True(policy.MayPublish(device, topics.Availability("room-1-light-1")));
        Assert.True(policy.MayPublish(device, topics.Announce("room-1-light-1")));
        Assert.False(policy.MayPublish(device, topics.Set("room-1-light-1")));
        Assert.False(policy.MayPublish(device, topics.State("room-1-light-2")));
        Assert.False(policy.MayPublish(device, "settingcontrol/devices/room-1-light-1/state/extra"));
        Assert.True(policy.MaySubscribe(device, topics.Set("room-1-light-1")));
        Assert.False(policy.MaySubscribe(device, topics.Set("room-1-light-2")));
        Assert.False(policy.MaySubscribe(device, "settingcontrol/devices/#"));
        Assert.False(policy.MaySubscribe(device, "settingcontrol/devices/+/set"));

        Assert.True(policy.MayPublish(controller, topics.Set("room-9-mask")));
        Assert.False(policy.MayPublish(controller, topics.State("room-9-mask")));
        Assert.True(policy.MaySubscribe(controller, "settingcontrol/devices/+/state"));
        Assert.True(policy.MaySubscribe(controller, "settingcontrol/#"));
        Assert.False(policy.MaySubscribe(controller, "#"));
        Assert.False(policy.MaySubscribe(controller, "other/#"));

        Assert.True(policy.MayPublish(gateway, topics.State("room-9-mask")));
        Assert.False(policy.MayPublish(gateway, topics.Set("room-9-mask")));
        Assert.True(policy.MaySubscribe(gateway, "settingcontrol/devices/+/set"));
        Assert.False(policy.MaySubscribe(gateway, "settingcontrol/devices/+/state"));
    }
}
