using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A Home Assistant JSON light (ESPHome) end to end on the embedded broker, as staff and the device would do it:
/// register it with its topics, connect the simulated ESPHome light with the login the API returned; it appears among
/// the devices, is assigned to a room, the room's slider drives it with the schema's payloads, a long fade is stepped
/// at its native limit, it is restored after a power cut that brought it back at full white, its last will takes it
/// offline, and its login reaches nothing but its own topics.
/// </summary>
public sealed class JsonLightDeviceTests
{
    private const string CommandTopic = "esphome/reading-lamp/light/command";
    private const string StateTopic = "esphome/reading-lamp/light/state";
    private const string AvailabilityTopic = "esphome/reading-lamp/status";

    [Fact]
    public async Task Staff_register_a_json_light_it_is_assigned_driven_stepped_restored_after_a_power_cut_and_its_lwt_takes_it_offline()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);

        var registered = await host.Http.PostAsJsonAsync("/api/json-lights", ReadingLamp());
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var login = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var deviceId = login.GetProperty("deviceId").GetString()!;
        var password = login.GetProperty("password").GetString()!;
        Assert.Equal(("jsonlight-reading-lamp", deviceId, 255, 153, 500, 30_000),
            (deviceId, login.GetProperty("username").GetString(), login.GetProperty("brightnessScale").GetInt32(), login.GetProperty("minMireds").GetInt32(),
             login.GetProperty("maxMireds").GetInt32(), login.GetProperty("maxTransitionMs").GetInt32()));

        await using var light = new SimulatedJsonLight(JsonLightOptions.Esphome("reading-lamp") with
        {
            ComesBackAtFullWhite = true,
            ReportIntervalMs = 200,
            Broker = new MqttEndpoint { BrokerPort = host.MqttPort, Username = deviceId, Password = password },
        });
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await light.StartAsync(timeout.Token);
        }

        var device = await Eventually.ValueAsync(
            () => DeviceAsync(host, deviceId),
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("availability").GetString() == "online",
            TimeSpan.FromSeconds(15),
            "the light listed online");
        Assert.Equal(("homeassistant-json", "Reading lamp", "light"), (device.GetProperty("convention").GetString(), device.GetProperty("name").GetString(), device.GetProperty("kind").GetString()));
        Assert.Equal((2000, 6500), (device.GetProperty("minColorTempK").GetInt32(), device.GetProperty("maxColorTempK").GetInt32()));

        (await host.Http.PutAsJsonAsync($"/api/devices/{deviceId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 40, colorTempK = 2700, transitionMs = 2000 })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => light.Output == new LightLevels(true, 102, 370), TimeSpan.FromSeconds(30), "the room's light reached the lamp");
        // The schema's payload. Its transition is the 2 s asked for, or what is left of it when the lamp's restore
        // overtook the command (the queue keeps only a device's newest), never more.
        Assert.Contains(light.ReceivedCommands, c =>
        {
            using var json = JsonDocument.Parse(c);
            var root = json.RootElement;
            return root.GetProperty("state").GetString() == "ON" && root.GetProperty("brightness").GetInt32() == 102 &&
                   root.GetProperty("color_temp").GetInt32() == 370 && root.GetProperty("transition").GetDouble() is >= 0 and <= 2;
        });
        Assert.Equal(0, light.MalformedCommandCount);

        // A fade longer than the lamp's 30 s is stepped by the controller: its first step is a native 30 s transition.
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 80, colorTempK = 2700, transitionMs = 70_000 })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(
            () => light.ReceivedCommands.Any(c => c.EndsWith("\"transition\":30}", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(15),
            "the long fade's first step sent as a 30 s transition");
        Assert.DoesNotContain(light.ReceivedCommands, c => c.Contains("\"transition\":70", StringComparison.Ordinal));

        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 30, colorTempK = 2700, transitionMs = 0 })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => light.Output == new LightLevels(true, 77, 370), TimeSpan.FromSeconds(30), "the lamp at 30 %");

        var listed = Assert.Single((await host.Http.GetFromJsonAsync<JsonElement[]>("/api/json-lights"))!);
        Assert.Equal((deviceId, "online", CommandTopic), (listed.GetProperty("deviceId").GetString(), listed.GetProperty("availability").GetString(), listed.GetProperty("commandTopic").GetString()));
        Assert.False(listed.TryGetProperty("password", out _));

        // A power cut: the lamp comes back on at full white, and the controller puts the room's light back.
        var commandsBefore = light.ReceivedCommands.Count;
        await light.RebootAsync();
        await Eventually.TrueAsync(
            () => light.ReceivedCommands.Count > commandsBefore && light.Output == new LightLevels(true, 77, 370),
            TimeSpan.FromSeconds(30),
            "the room's light restored on the lamp after its power cut");

        // Its own bad messages are dropped and counted, and change no room.
        var droppedBefore = await DroppedAsync(host);
        await light.SendGarbageAsync(20, seed: 7);
        await Eventually.TrueAsync(async () => await DroppedAsync(host) >= droppedBefore + 10, TimeSpan.FromSeconds(15), "the lamp's garbage dropped and counted");
        Assert.Equal(30, (await host.GetRoomAsync("room-1")).Desired.Lighting.Brightness);

        // The broker publishes the lamp's will: offline.
        await light.CrashAsync();
        await Eventually.ValueAsync(
            () => DeviceAsync(host, deviceId),
            d => d.GetProperty("availability").GetString() == "offline",
            TimeSpan.FromSeconds(15),
            "the lamp offline after its last will");

        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/json-lights/{deviceId}")).StatusCode);
        Assert.False(await BrokerLogins.ConnectsAsync(host.MqttPort, "reading-lamp-a1b2c3", deviceId, password));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.DeleteAsync($"/api/json-lights/{deviceId}")).StatusCode);
    }

    [Fact]
    public async Task A_json_lights_login_reaches_only_its_own_topics_and_bad_registrations_are_refused_by_field()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        var lamp = await (await host.Http.PostAsJsonAsync("/api/json-lights", ReadingLamp())).Content.ReadFromJsonAsync<JsonElement>();
        var other = await host.Http.PostAsJsonAsync("/api/json-lights", new { name = "Desk lamp", commandTopic = "esphome/desk/light/command", stateTopic = "esphome/desk/light/state" });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var (deviceId, password) = (lamp.GetProperty("deviceId").GetString()!, lamp.GetProperty("password").GetString()!);

        using (var own = new MqttClientFactory().CreateMqttClient())
        {
            await own.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).WithClientId("reading-lamp-a1b2c3")
                .WithCredentials(deviceId, password).WithProtocolVersion(MqttProtocolVersion.V500).Build());
            Assert.True(own.IsConnected);
            Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(own, StateTopic, """{"state":"ON","brightness":10}""")).ReasonCode);
            foreach (var topic in new[] { CommandTopic, "esphome/desk/light/state", "esphome/desk/light/command", "esphome/reading-lamp/light/state/x", "stat/dimmer-3/RESULT", "settingcontrol/devices/room-1-light-1/state" })
            {
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await PublishAsync(own, topic, """{"state":"OFF"}""")).ReasonCode);
            }

            var subscribed = await own.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(CommandTopic).WithTopicFilter("esphome/desk/light/command").WithTopicFilter("esphome/#").Build());
            Assert.Equal(
                [MqttClientSubscribeResultCode.GrantedQoS0, MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.NotAuthorized],
                subscribed.Items.Select(i => i.ResultCode));
            await own.DisconnectAsync();
        }

        // It may pick its own client id, never another account's (whose session it would take over).
        Assert.False(await BrokerLogins.ConnectsAsync(host.MqttPort, "room-1-light-1", deviceId, password));

        var hostile = await host.Http.PostAsJsonAsync("/api/json-lights", new { name = "<img src=x onerror=alert(1)>; rm -rf / $(id)", commandTopic = "diy/hostile/set", stateTopic = "diy/hostile/state" });
        Assert.Equal(HttpStatusCode.Created, hostile.StatusCode);
        Assert.Contains((await host.Http.GetFromJsonAsync<JsonElement[]>("/api/json-lights"))!, l => l.GetProperty("name").GetString() == "<img src=x onerror=alert(1)>; rm -rf / $(id)");

        Assert.Equal(HttpStatusCode.Conflict, (await host.Http.PostAsJsonAsync("/api/json-lights", ReadingLamp())).StatusCode);
        var bad = await host.Http.PostAsJsonAsync("/api/json-lights", new { name = "Bad", commandTopic = "esphome/+/command", stateTopic = "tele/bad/STATE", brightnessScale = 0, minMireds = 500, maxMireds = 400, maxTransitionMs = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["brightnessScale", "commandTopic", "maxMireds", "maxTransitionMs", "stateTopic"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsJsonAsync("/api/json-lights", new { name = "No state", commandTopic = "diy/x/set" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsync("/api/json-lights", new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    private static object ReadingLamp() => new
    {
        name = "Reading lamp",
        commandTopic = CommandTopic,
        stateTopic = StateTopic,
        availabilityTopic = AvailabilityTopic,
        payloadAvailable = "online",
        payloadNotAvailable = "offline",
        brightnessScale = 255,
        minMireds = 153,
        maxMireds = 500,
        maxTransitionMs = 30000,
    };

    private static async Task<JsonElement> DeviceAsync(HostUnderTest host, string deviceId) =>
        (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.FirstOrDefault(d => d.GetProperty("deviceId").GetString() == deviceId);

    private static async Task<long> DroppedAsync(HostUnderTest host) =>
        (await host.Http.GetFromJsonAsync<JsonElement>("/api/diagnostics")).GetProperty("deviceLink").GetProperty("messagesDropped").GetInt64();

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
