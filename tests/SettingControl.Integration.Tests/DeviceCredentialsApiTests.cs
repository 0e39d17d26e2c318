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
