using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.FirmwareSim.Wire.Tasmota;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt.Security;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A whole (time-compressed) session in a room that mixes a Zigbee bulb behind a simulated Zigbee2MQTT bridge, a
/// Tasmota dimmer, an ESPHome (Home Assistant JSON) lamp and SettingControl v1 lights and eye mask: the emergence ramp stepped by the controller, Lights up, the bulb coming back
/// from a power cut at full white, and a controller restart after which the bulb is read back before it is told
/// anything. On the embedded broker and on a real Mosquitto configured only with the files SettingControl generates.
/// </summary>
public sealed class MixedRoomSessionTests(ITestOutputHelper output)
{
    /// <summary>Settle, then 6 s of "deep" from T0, then a 16-second emergence ramp the room stays in.</summary>
    private const string Protocol = """
        {
          "id": "zigbee-quick",
          "name": "Zigbee quick",
          "phases": [
            { "id": "settle", "name": "Settle", "durationMinutes": null, "fadeSeconds": 1,
              "scene": { "lighting": { "on": true, "brightness": 50, "colorTempK": 3000 }, "mask": { "on": false, "light": 0 } } },
            { "id": "deep", "name": "Deep", "startsAtDose": true, "durationMinutes": 0.1, "fadeSeconds": 1,
              "scene": { "lighting": { "on": true, "brightness": 10, "colorTempK": 2200 }, "mask": { "on": true, "light": 20 } } },
            { "id": "return", "name": "Return", "durationMinutes": null, "fadeSeconds": 16,
              "scene": { "lighting": { "on": true, "brightness": 70, "colorTempK": 3500 }, "mask": { "on": false, "light": 0 } } }
          ]
        }
        """;

    /// <summary>The bulb may run 4 s itself; the 16-second ramp must reach it as segments no longer than that.</summary>
    private const int MaxNativeTransitionMs = 4000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_mixed_room_runs_a_session_with_a_stepped_ramp_lights_up_a_power_cut_and_a_controller_restart(bool onMosquitto)
    {
        var dataDirectory = HostUnderTest.NewDataDirectory();
        var settings = new Dictionary<string, string> { ["Zigbee2Mqtt:MaxNativeTransitionMs"] = MaxNativeTransitionMs.ToString() };

        // On Mosquitto the broker is configured only with the files SettingControl generates, fetched again after each
        // registration and once the bridge has listed its bulb (a friendly name with '/' is written into the ACL by name).
        MosquittoBroker? mosquitto = null;
        int mqttPort;
        if (onMosquitto)
        {
            var accounts = new BrokerAccounts(rooms: 1);
            mosquitto = await MosquittoBroker.StartAsync(accounts, maxPacketBytes: MosquittoConfig.MaxBridgePacketBytes);
            foreach (var (key, value) in accounts.ExternalBrokerSettings())
            {
                settings[key] = value;
            }

            settings["Mqtt:CredentialsDirectory"] = accounts.Directory;
            mqttPort = mosquitto.Port;
        }
        else
        {
            mqttPort = FreePorts.Next();
        }

        var host = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: dataDirectory, mqttPort: mqttPort, extra: settings);
        async Task ConfigureMosquitto()
        {
            if (mosquitto is not null)
            {
                await mosquitto.ReconfigureAsync(await host.Http.GetStringAsync("/api/mqtt/mosquitto/passwd"), await host.Http.GetStringAsync("/api/mqtt/mosquitto/acl"));
            }
        }

        try
        {
            var registered = await host.Http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = "zigbee2mqtt", name = "Ground floor" });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var login = await registered.Content.ReadFromJsonAsync<JsonElement>();
            var tasmotaLogin = await (await host.Http.PostAsJsonAsync("/api/tasmota", new { topic = "room-1-dimmer", name = "Room 1 reading lamp" })).Content.ReadFromJsonAsync<JsonElement>();
            var dimmerId = tasmotaLogin.GetProperty("deviceId").GetString()!;
            var lampLogin = await (await host.Http.PostAsJsonAsync("/api/json-lights", new
            {
                name = "Room 1 floor lamp",
                commandTopic = "esphome/room-1-floor-lamp/light/command",
                stateTopic = "esphome/room-1-floor-lamp/light/state",
                availabilityTopic = "esphome/room-1-floor-lamp/status",
                maxTransitionMs = MaxNativeTransitionMs,
            })).Content.ReadFromJsonAsync<JsonElement>();
            var lampId = lampLogin.GetProperty("deviceId").GetString()!;
            await ConfigureMosquitto();

            var bulbOptions = Zigbee2MqttBridgeOptions.DefaultBulbs(1)[0];
            await using var bridge = new Zigbee2MqttBridge(new Zigbee2MqttBridgeOptions
            {
                Broker = new MqttEndpoint { BrokerPort = mqttPort, Username = login.GetProperty("username").GetString(), Password = login.GetProperty("password").GetString() },
                Bulbs = [bulbOptions],
                ReportIntervalMs = 200,
            });
            await Connect(bridge, "the bridge", mosquitto);
            var bulb = bridge[bulbOptions.FriendlyName];
            var bulbId = bulbOptions.EffectiveIeeeAddress.ToLowerInvariant();

            await using var dimmer = new SimulatedTasmotaLight(new TasmotaLightOptions
            {
                Topic = "room-1-dimmer",
                Broker = new MqttEndpoint { BrokerPort = mqttPort, Username = tasmotaLogin.GetProperty("username").GetString(), Password = tasmotaLogin.GetProperty("password").GetString() },
            });
            await Connect(dimmer, "the dimmer", mosquitto);

            await using var lamp = new SimulatedJsonLight(JsonLightOptions.Esphome("room-1-floor-lamp") with
            {
                ReportIntervalMs = 200,
                Broker = new MqttEndpoint { BrokerPort = mqttPort, Username = lampId, Password = lampLogin.GetProperty("password").GetString() },
            });
            await Connect(lamp, "the lamp", mosquitto);

            await Eventually.TrueAsync(async () => (await host.Http.GetStringAsync("/api/devices")).Contains(bulbId, StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the bulb listed");
            await Eventually.TrueAsync(async () => (await host.Http.GetStringAsync("/api/devices")).Contains(dimmerId, StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the dimmer listed");
            await Eventually.TrueAsync(async () => (await host.Http.GetStringAsync("/api/devices")).Contains(lampId, StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the lamp listed");
            await ConfigureMosquitto();
            (await host.Http.PutAsJsonAsync($"/api/devices/{bulbId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
            (await host.Http.PutAsJsonAsync($"/api/devices/{dimmerId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
            (await host.Http.PutAsJsonAsync($"/api/devices/{lampId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
            await Eventually.TrueAsync(async () => (await host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"), TimeSpan.FromSeconds(20), "room-1 online, bulb, dimmer and lamp included");
            var mask = host.SimulatedDevices!["room-1-mask"];
            var v1Light = host.SimulatedDevices["room-1-light-1"];

            var protocol = await host.Http.PutAsync("/api/protocols/zigbee-quick", new StringContent(Protocol, Encoding.UTF8, "application/json"));
            Assert.True(protocol.IsSuccessStatusCode, await protocol.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Created, (await host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "zigbee-quick", label = "zigbee run" })).StatusCode);

            // Settle: 50 % is 127 of 254, 3000 K is 333 mireds; the v1 light in the same room follows the same scene.
            await BulbReaches(bulb, new ZigbeeBulbState(true, 127, Mireds(bulb, 3000)), "settle scene on the bulb");
            Assert.True(await v1Light.WaitUntilAsync(s => s.Brightness == 50 && s.ColorTempK == 3000, TimeSpan.FromSeconds(15)), "settle scene on the v1 light");
            await DimmerReaches(dimmer, 50, 333, "settle scene on the dimmer");
            await LampReaches(lamp, 128, 333, "settle scene on the lamp");

            (await host.Http.PostAsync("/api/rooms/room-1/session/t0", null)).EnsureSuccessStatusCode();
            await BulbReaches(bulb, new ZigbeeBulbState(true, 25, Mireds(bulb, 2200)), "deep scene on the bulb");
            Assert.True(await mask.WaitUntilAsync(s => s.On && s.Light == 20, TimeSpan.FromSeconds(15)), "mask light on in deep");
            var beforeRamp = bulb.Received.Count;
            var lampBeforeRamp = lamp.ReceivedCommands.Count;

            // The emergence ramp: 16 s sent as segments the bulb can do, each with its own transition.
            await BulbReaches(bulb, new ZigbeeBulbState(true, 178, Mireds(bulb, 3500)), "the end of the emergence ramp", TimeSpan.FromSeconds(45));
            var segments = bulb.Received.Skip(beforeRamp).Where(r => r.Kind == "set").ToArray();
            output.WriteLine($"emergence ramp: {segments.Length} segments, transitions {string.Join(", ", segments.Select(s => s.TransitionSeconds))} s");
            Assert.True(segments.Length >= 16_000 / MaxNativeTransitionMs, $"the ramp was stepped ({segments.Length} segments)");
            Assert.All(segments, s => Assert.InRange(s.TransitionSeconds!.Value, 0, MaxNativeTransitionMs / 1000.0));
            await DimmerReaches(dimmer, 70, 286, "the end of the emergence ramp on the dimmer");
            await LampReaches(lamp, 179, 286, "the end of the emergence ramp on the lamp");
            var lampSegments = lamp.ReceivedCommands.Skip(lampBeforeRamp).Select(c => JsonDocument.Parse(c).RootElement.GetProperty("transition").GetDouble()).ToArray();
            Assert.True(lampSegments.Length >= 16_000 / MaxNativeTransitionMs, $"the ramp was stepped on the lamp ({lampSegments.Length} commands)");
            Assert.All(lampSegments, seconds => Assert.InRange(seconds, 0, MaxNativeTransitionMs / 1000.0));

            // Lights up: full neutral light on the bulb (4000 K is 250 mireds) and the mask light off.
            (await host.Http.PostAsync("/api/rooms/room-1/lights-up", null)).EnsureSuccessStatusCode();
            await BulbReaches(bulb, new ZigbeeBulbState(true, 254, Mireds(bulb, 4000)), "Lights up on the bulb");
            Assert.True(await mask.WaitUntilAsync(s => !s.On, TimeSpan.FromSeconds(15)), "mask light off in Lights up");
            await DimmerReaches(dimmer, 100, 250, "Lights up on the dimmer");
            await LampReaches(lamp, 255, 250, "Lights up on the lamp");
            (await host.Http.PostAsync("/api/rooms/room-1/lights-up/resume", null)).EnsureSuccessStatusCode();
            await BulbReaches(bulb, new ZigbeeBulbState(true, 178, Mireds(bulb, 3500)), "back to the return scene");

            // A power cut: the bulb comes back at full, cold white and the room puts it back.
            await bulb.CutPowerAsync();
            await Eventually.TrueAsync(async () => (await host.GetRoomAsync("room-1")).Devices.Single(d => d.DeviceId == bulbId).Availability == "offline",
                TimeSpan.FromSeconds(15), "the bulb offline");
            var restoring = Stopwatch.StartNew();
            await bulb.RestorePowerAsync();
            await BulbReaches(bulb, new ZigbeeBulbState(true, 178, Mireds(bulb, 3500)), "the bulb restored after the power cut");
            output.WriteLine($"restored {restoring.ElapsedMilliseconds} ms after the bulb came back (not a test goal; see the benchmark)");

            // The controller restarts. The bulb's state is not retained, so it is read back before anything is sent.
            var beforeRestart = bulb.Received.Count;
            await host.DisposeAsync();
            host = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: dataDirectory, mqttPort: mqttPort, extra: settings);
            await Eventually.TrueAsync(() => Task.FromResult(bulb.Received.Skip(beforeRestart).Any(r => r.Kind == "get")), TimeSpan.FromSeconds(30), "the bulb read back after the restart");
            Assert.Equal("get", bulb.Received.Skip(beforeRestart).First().Kind);

            (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 40, transitionMs = 0 })).EnsureSuccessStatusCode();
            await BulbReaches(bulb, new ZigbeeBulbState(true, 102, Mireds(bulb, 3500)), "the restarted controller drives the bulb");
            await DimmerReaches(dimmer, 40, 286, "the restarted controller drives the dimmer");
            await LampReaches(lamp, 102, 286, "the restarted controller drives the lamp");
        }
        finally
        {
            await host.DisposeAsync();
            if (mosquitto is not null)
            {
                await mosquitto.DisposeAsync();
            }
        }
    }

    private static async Task Connect(SettingControl.FirmwareSim.SimulatedClient client, string what, MosquittoBroker? mosquitto)
    {
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await client.StartAsync(connecting.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{what} did not connect" + (mosquitto is null ? string.Empty : ": " + string.Join('\n', mosquitto.Log)));
        }
    }

    private static Task BulbReaches(ZigbeeBulb bulb, ZigbeeBulbState expected, string what, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Task.FromResult(bulb.Current == expected), timeout ?? TimeSpan.FromSeconds(20), $"{what}: {expected}");

    private static Task DimmerReaches(SimulatedTasmotaLight dimmer, int percent, int ct, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(dimmer.Settings is { Power: true } settings && settings.Dimmer == percent && settings.Ct == ct),
            TimeSpan.FromSeconds(20), $"{what}: Dimmer {percent}, CT {ct}");

    private static Task LampReaches(SimulatedJsonLight lamp, int brightness, int mireds, string what) =>
        Eventually.TrueAsync(() => lamp.Output == new LightLevels(true, brightness, mireds), TimeSpan.FromSeconds(20), $"{what}: brightness {brightness}, color_temp {mireds}");

    /// <summary>Kelvin as this bulb's mireds: 10⁶ / K, within the range its definition exposes.</summary>
    private static int Mireds(ZigbeeBulb bulb, int kelvin) =>
        Math.Clamp((int)Math.Round(1_000_000.0 / kelvin, MidpointRounding.AwayFromZero), bulb.Definition.ColorTempMin, bulb.Definition.ColorTempMax);
}
