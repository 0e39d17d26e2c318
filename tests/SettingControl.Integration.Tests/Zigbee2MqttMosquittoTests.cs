using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt.Security;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A Zigbee2MQTT bridge on a real Mosquitto, configured only with what SettingControl generates: staff register the
/// bridge, fetch the password and ACL files again and restart Mosquitto; the bridge's bulb is assigned and driven, and
/// Mosquitto refuses the bridge a command to its own bulb.
/// </summary>
public sealed class Zigbee2MqttMosquittoTests
{
    [Fact]
    public async Task A_bridge_registered_by_staff_works_on_mosquitto_with_the_generated_files()
    {
        var accounts = new BrokerAccounts(rooms: 1);
        await using var mosquitto = await MosquittoBroker.StartAsync(accounts, maxPacketBytes: MosquittoConfig.MaxBridgePacketBytes);
        var settings = accounts.ExternalBrokerSettings();
        settings["Mqtt:CredentialsDirectory"] = accounts.Directory;
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, mqttPort: mosquitto.Port, extra: settings);

        var registered = await host.Http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = "zigbee2mqtt", name = "Ground floor" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var login = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var (username, password) = (login.GetProperty("username").GetString()!, login.GetProperty("password").GetString()!);
        await mosquitto.ReconfigureAsync(await host.Http.GetStringAsync("/api/mqtt/mosquitto/passwd"), await host.Http.GetStringAsync("/api/mqtt/mosquitto/acl"));

        // A flat friendly name: the generated ACL lets a bridge write any one-level name; a name with '/' is listed
        // in the ACL only once the bridge has said it exists (docs/devices.md, "Security").
        var bulbOptions = Zigbee2MqttBridgeOptions.DefaultBulbs(1)[0] with { FriendlyName = "room-1-ceiling" };
        await using var bridge = new Zigbee2MqttBridge(new Zigbee2MqttBridgeOptions
        {
            Broker = new MqttEndpoint { BrokerPort = mosquitto.Port, Username = username, Password = password },
            Bulbs = [bulbOptions],
            ReportIntervalMs = 200,
        });
        using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await bridge.StartAsync(connecting.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("the bridge did not connect to Mosquitto: " + string.Join('\n', mosquitto.Log));
            }
        }

        var bulb = bridge[bulbOptions.FriendlyName];
        var bulbId = bulbOptions.EffectiveIeeeAddress.ToLowerInvariant();

        await Eventually.TrueAsync(async () => (await host.Http.GetStringAsync("/api/devices")).Contains(bulbId, StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the bulb listed");
        await Eventually.TrueAsync(() => Task.FromResult(bulb.Received.Any(r => r.Kind == "get")), TimeSpan.FromSeconds(15), "the bulb read back through Mosquitto");
        (await host.Http.PutAsJsonAsync($"/api/devices/{bulbId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 40, colorTempK = 2700, transitionMs = 0 })).EnsureSuccessStatusCode();
        var mireds = Math.Clamp(370, bulb.Definition.ColorTempMin, bulb.Definition.ColorTempMax);
        await Eventually.TrueAsync(() => Task.FromResult(bulb.Current == new ZigbeeBulbState(true, 102, mireds)), TimeSpan.FromSeconds(20), "the room's light on the bulb");

        // The bridge's login may not command its own bulbs: Mosquitto refuses the publish.
        using var rogue = new MqttClientFactory().CreateMqttClient();
        await rogue.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("rogue-bridge-client")
            .WithCredentials(username, password).WithProtocolVersion(MqttProtocolVersion.V500).Build());
        var refused = await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"zigbee2mqtt/{bulbOptions.FriendlyName}/set")
            .WithPayload("{\"state\":\"OFF\"}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.True(bulb.Current.On);
    }
}
