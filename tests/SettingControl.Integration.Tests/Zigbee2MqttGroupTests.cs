using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A room whose two bulbs form a Zigbee2MQTT group: what the room tells both alike (Lights up) goes out as one
/// broadcast on the group's topic, which the bridge turns into one Zigbee groupcast; what differs per bulb (a colour
/// temperature one bulb cannot show) still goes to each bulb on its own.
/// </summary>
public sealed class Zigbee2MqttGroupTests
{
    [Fact]
    public async Task Lights_up_reaches_a_rooms_grouped_bulbs_as_one_group_command_and_different_payloads_go_one_by_one()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        var registered = await host.Http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = "zigbee2mqtt", name = "Ground floor" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var login = await registered.Content.ReadFromJsonAsync<JsonElement>();

        // A Hue White Ambiance (153–500 mireds) and an IKEA TRÅDFRI (250–454) over the same bed, grouped as "room-1".
        ZigbeeBulbOptions[] bulbs =
        [
            new() { FriendlyName = "room-1/ceiling", Model = "8718696548738" },
            new() { FriendlyName = "room-1/bedside", Model = "LED1545G12" },
        ];
        await using var bridge = new Zigbee2MqttBridge(new Zigbee2MqttBridgeOptions
        {
            Broker = new MqttEndpoint { BrokerPort = host.MqttPort, Username = login.GetProperty("username").GetString(), Password = login.GetProperty("password").GetString() },
            Bulbs = bulbs,
            Groups = [new ZigbeeGroupOptions(1, "room-1", [.. bulbs.Select(b => b.FriendlyName)])],
            ReportIntervalMs = 200,
        });
        await bridge.StartAsync(CancellationToken.None);
        var ceiling = bridge["room-1/ceiling"];
        var bedside = bridge["room-1/bedside"];

        foreach (var bulb in bulbs)
        {
            var id = bulb.EffectiveIeeeAddress.ToLowerInvariant();
            await Eventually.TrueAsync(async () => (await host.Http.GetStringAsync("/api/devices")).Contains(id, StringComparison.Ordinal), TimeSpan.FromSeconds(15), $"{bulb.FriendlyName} listed");
            (await host.Http.PutAsJsonAsync($"/api/devices/{id}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(async () => (await host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"), TimeSpan.FromSeconds(20), "room-1 online, both bulbs included");

        // 5000 K: 200 mireds on the Hue, the TRÅDFRI's warmest-but-one limit of 250 on it. Two payloads, two unicasts.
        Assert.NotEqual(Mireds(ceiling, 5000), Mireds(bedside, 5000));
        var beforeScene = (ceiling.Received.Count, bedside.Received.Count);
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 30, colorTempK = 5000, transitionMs = 0 })).EnsureSuccessStatusCode();
        await BulbReaches(ceiling, new ZigbeeBulbState(true, 76, Mireds(ceiling, 5000)), "the scene on the Hue");
        await BulbReaches(bedside, new ZigbeeBulbState(true, 76, Mireds(bedside, 5000)), "the scene on the TRÅDFRI");
        Assert.Equal("set", ceiling.Received.Skip(beforeScene.Item1).Last().Kind);
        Assert.Equal("set", bedside.Received.Skip(beforeScene.Item2).Last().Kind);

        // Lights up: 100 %, 4000 K (250 mireds) is the same payload for both, so the group carries it.
        var beforeLightsUp = (ceiling.Received.Count, bedside.Received.Count);
        (await host.Http.PostAsync("/api/rooms/room-1/lights-up", null)).EnsureSuccessStatusCode();
        await BulbReaches(ceiling, new ZigbeeBulbState(true, 254, 250), "Lights up on the Hue");
        await BulbReaches(bedside, new ZigbeeBulbState(true, 254, 250), "Lights up on the TRÅDFRI");
        Assert.Equal(["group-set"], ceiling.Received.Skip(beforeLightsUp.Item1).Select(r => r.Kind));
        Assert.Equal(["group-set"], bedside.Received.Skip(beforeLightsUp.Item2).Select(r => r.Kind));

        // The group's own state report (what Zigbee2MQTT assumes of it) is neither a device nor bad input.
        var devices = (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!;
        Assert.DoesNotContain(devices, d => d.GetProperty("name").GetString() == "room-1");
    }

    private static Task BulbReaches(ZigbeeBulb bulb, ZigbeeBulbState expected, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(bulb.Current == expected), TimeSpan.FromSeconds(20), $"{what}: {expected}");

    /// <summary>Kelvin as this bulb's mireds: 10⁶ / K, within the range its definition exposes.</summary>
    private static int Mireds(ZigbeeBulb bulb, int kelvin) =>
        Math.Clamp((int)Math.Round(1_000_000.0 / kelvin, MidpointRounding.AwayFromZero), bulb.Definition.ColorTempMin, bulb.Definition.ColorTempMax);
}
