using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>Staff create, rotate and revoke a device's broker account; the password is shown once and nowhere else.</summary>
public sealed class DeviceCredentialsApiTests
{
    [Fact]
    public async Task A_new_device_gets_in_only_after_staff_create_its_credentials_and_loses_access_when_revoked()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 0);
        Assert.NotEqual(MqttClientConnectResultCode.Success, await ConnectAsync(host, "lab-lamp", "guess"));

        var created = await host.Http.PostAsync("/api/devices/lab-lamp/credentials", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var password = body.GetProperty("password").GetString()!;
        Assert.Equal("lab-lamp", body.GetProperty("username").GetString());
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(host, "lab-lamp", password));

        var rotated = await host.Http.PostAsync("/api/devices/lab-lamp/credentials", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newPassword = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!;
        Assert.NotEqual(MqttClientConnectResultCode.Success, await ConnectAsync(host, "lab-lamp", password));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(host, "lab-lamp", newPassword));

        var list = await host.Http.GetStringAsync("/api/devices/credentials");
        var passwd = await host.Http.GetStringAsync("/api/mqtt/mosquitto/passwd");
        var acl = await host.Http.GetStringAsync("/api/mqtt/mosquitto/acl");
        Assert.Contains("lab-lamp", list);
        Assert.Contains("lab-lamp:$7$", passwd);
        Assert.Contains(host.ControllerAccount.Username + ":$7$", passwd);
        Assert.Contains("pattern write settingcontrol/devices/%u/state", acl);
        foreach (var text in new[] { list, passwd, acl })
        {
            Assert.DoesNotContain(newPassword, text);
            Assert.DoesNotContain(host.ControllerAccount.Password, text);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsync("/api/devices/Bad%20Id/credentials", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Http.PostAsync($"/api/devices/{host.ControllerAccount.Username}/credentials", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync("/api/devices/lab-lamp/credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.DeleteAsync("/api/devices/lab-lamp/credentials")).StatusCode);
        Assert.NotEqual(MqttClientConnectResultCode.Success, await ConnectAsync(host, "lab-lamp", newPassword));
    }

    private static async Task<MqttClientConnectResultCode> ConnectAsync(HostUnderTest host, string deviceId, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", host.MqttPort).WithClientId(deviceId).WithCredentials(deviceId, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return result.ResultCode;
    }
}

/// <summary>Structured logs carry accounts and reasons, never a password.</summary>
public sealed class SecretLoggingTests
{
    [Fact]
    public async Task No_password_reaches_the_logs_at_any_level()
    {
        var logs = new CapturedLogs();
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, logs: logs);
        var issued = await host.IssueDeviceCredentialsAsync("lab-lamp");
        var rotated = await host.IssueDeviceCredentialsAsync("lab-lamp");
        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort)
                .WithClientId("lab-lamp").WithCredentials("lab-lamp", "wrong-" + issued).Build());
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort)
                .WithClientId("lab-lamp").WithCredentials("lab-lamp", rotated).Build());
        }

        var simulated = HostUnderTest.SimulatedCredentialsIn(host.DataDirectory);
        var secrets = new[] { issued, rotated, host.ControllerAccount.Password, simulated("room-1-light-1").Password!, simulated("room-1-mask").Password! };
        await Eventually.TrueAsync(() => logs.Entries.Any(e => e.Contains("refused a connection", StringComparison.Ordinal)), TimeSpan.FromSeconds(5), "the refusal logged");
        Assert.True(logs.Entries.Count > 50, "the capture saw the host's logs");
        foreach (var entry in logs.Entries)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, entry);
            }

            Assert.DoesNotContain("$7$", entry);
        }
    }
}
