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
/// A Home Assistant JSON light on a real Mosquitto, configured only with what SettingControl generates: staff register
/// the light, fetch the password and ACL files again and restart Mosquitto; the light is assigned and driven, and
/// Mosquitto refuses its login a command to itself and another light's state.
/// </summary>
public sealed class JsonLightMosquittoTests
{
    [Fact]
    public async Task A_json_light_registered_by_staff_works_on_mosquitto_with_the_generated_files()
    {
        var accounts = new BrokerAccounts(rooms: 1);
        await using var mosquitto = await MosquittoBroker.StartAsync(accounts);
        var settings = accounts.ExternalBrokerSettings();
        settings["Mqtt:CredentialsDirectory"] = accounts.Directory;
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, mqttPort: mosquitto.Port, extra: settings);

        var registered = await host.Http.PostAsJsonAsync("/api/json-lights", new
        {
            name = "Reading lamp",
            commandTopic = "esphome/reading-lamp/light/command",
            stateTopic = "esphome/reading-lamp/light/state",
            availabilityTopic = "esphome/reading-lamp/status",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Http.PostAsJsonAsync("/api/json-lights", new { name = "Desk lamp", commandTopic = "esphome/desk/light/command", stateTopic = "esphome/desk/light/state" })).StatusCode);
        var login = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var (deviceId, password) = (login.GetProperty("deviceId").GetString()!, login.GetProperty("password").GetString()!);
        await mosquitto.ReconfigureAsync(await host.Http.GetStringAsync("/api/mqtt/mosquitto/passwd"), await host.Http.GetStringAsync("/api/mqtt/mosquitto/acl"));

        await using var light = new SimulatedJsonLight(JsonLightOptions.Esphome("reading-lamp") with
        {
            ReportIntervalMs = 200,
            Broker = new MqttEndpoint { BrokerPort = mosquitto.Port, Username = deviceId, Password = password },
        });
        using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await light.StartAsync(connecting.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("the light did not connect to Mosquitto: " + string.Join('\n', mosquitto.Log));
            }
        }

        await Eventually.ValueAsync(
            async () => (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.FirstOrDefault(d => d.GetProperty("deviceId").GetString() == deviceId),
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("availability").GetString() == "online",
            TimeSpan.FromSeconds(20),
            "the light listed online through Mosquitto");
        (await host.Http.PutAsJsonAsync($"/api/devices/{deviceId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 40, colorTempK = 2700, transitionMs = 0 })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => light.Output == new LightLevels(true, 102, 370), TimeSpan.FromSeconds(20), "the room's light on the lamp");

        // The light's login may not command itself nor speak for the other light: Mosquitto refuses the publishes.
        using var rogue = new MqttClientFactory().CreateMqttClient();
        await rogue.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("rogue-lamp-client")
            .WithCredentials(deviceId, password).WithProtocolVersion(MqttProtocolVersion.V500).Build());
        foreach (var topic in new[] { "esphome/reading-lamp/light/command", "esphome/desk/light/state" })
        {
            var refused = await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic)
                .WithPayload("{\"state\":\"OFF\"}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        }

        Assert.True(light.Output.On);
    }
}
