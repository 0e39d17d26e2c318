using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.Tasmota;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A Tasmota light end to end on the embedded broker, as staff and the device would do it: register it, connect the
/// simulated Tasmota with the login the API returned; it appears among the devices, is assigned to a room, and the
/// room's slider drives its Dimmer and CT; its LWT takes it offline.
/// </summary>
public sealed class TasmotaDeviceTests
{
    private const string Topic = "dimmer-3";

    [Fact]
    public async Task Staff_register_a_tasmota_its_light_is_assigned_driven_by_the_room_and_its_lwt_takes_it_offline()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);

        var registered = await host.Http.PostAsJsonAsync("/api/tasmota", new { topic = Topic, name = "Room 3 ceiling" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var login = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var deviceId = login.GetProperty("deviceId").GetString()!;
        Assert.Equal(("tasmota-dimmer-3", Topic, deviceId), (deviceId, login.GetProperty("topic").GetString(), login.GetProperty("username").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await host.Http.PostAsJsonAsync("/api/tasmota", new { topic = Topic, name = "Copy" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsJsonAsync("/api/tasmota", new { topic = "room/3", name = "Slash" })).StatusCode);

        await using var light = new SimulatedTasmotaLight(new TasmotaLightOptions
        {
            Topic = Topic,
            Broker = new MqttEndpoint { BrokerPort = host.MqttPort, Username = deviceId, Password = login.GetProperty("password").GetString() },
        });
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await light.StartAsync(timeout.Token);
        }

        // Its login reaches only its own topics, and cannot take another device's client id (and session).
        using (var own = new MqttClientFactory().CreateMqttClient())
        {
            await own.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).WithClientId("DVES_0TEST1")
                .WithCredentials(deviceId, login.GetProperty("password").GetString()).WithProtocolVersion(MqttProtocolVersion.V500).Build());
            Assert.True(own.IsConnected);
            foreach (var topic in new[] { "stat/dimmer-4/RESULT", "tele/tasmotas/LWT", "cmnd/dimmer-3/Power", "settingcontrol/devices/room-1-light-1/state" })
            {
                var refused = await own.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("{\"POWER\":\"OFF\"}")
                    .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
            }

            await own.DisconnectAsync();
        }

        Assert.False(await BrokerLogins.ConnectsAsync(host.MqttPort, "room-1-light-1", deviceId, login.GetProperty("password").GetString()!));

        var device = await Eventually.ValueAsync(
            async () => (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.FirstOrDefault(d => d.GetProperty("deviceId").GetString() == deviceId),
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("availability").GetString() == "online",
            TimeSpan.FromSeconds(15),
            "the Tasmota listed online");
        Assert.Equal(("tasmota", "Room 3 ceiling", "light"), (device.GetProperty("convention").GetString(), device.GetProperty("name").GetString(), device.GetProperty("kind").GetString()));

        (await host.Http.PutAsJsonAsync($"/api/devices/{deviceId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 40, colorTempK = 2700 })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => light.Settings is { Power: true, Dimmer: 40, Ct: 370 }, TimeSpan.FromSeconds(30), "the room's light reached the Tasmota");
        Assert.Equal(0, light.MalformedCommandCount);

        // Any native fade the controller asked for is a fixed-duration one (SetOption117 1), as its steps are timed.
        Assert.True(!light.Settings.Fade || light.Settings.FixedFadeDuration, $"fade settings {light.Settings}");

        var listed = Assert.Single((await host.Http.GetFromJsonAsync<JsonElement[]>("/api/tasmota"))!);
        Assert.Equal((deviceId, "online", "Generic"), (listed.GetProperty("deviceId").GetString(), listed.GetProperty("availability").GetString(), listed.GetProperty("module").GetString()));

        // The broker publishes the Tasmota's will: LWT Offline, and the device is offline.
        await light.CrashAsync();
        await Eventually.ValueAsync(
            async () => (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.First(d => d.GetProperty("deviceId").GetString() == deviceId),
            d => d.GetProperty("availability").GetString() == "offline",
            TimeSpan.FromSeconds(15),
            "the Tasmota offline after its LWT");

        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/tasmota/{deviceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.DeleteAsync($"/api/tasmota/{deviceId}")).StatusCode);
    }
}
