using System.Net.Http.Json;
using System.Text.Json;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// <c>--simulate N --simulate-mix</c>, as a newcomer runs it: rooms whose lights are a Zigbee bulb behind a simulated
/// Zigbee2MQTT bridge, a Tasmota dimmer and an ESPHome lamp, and whose mask is a v1 device, all registered as staff would register them,
/// online, and driven by the room; after a restart the same logins still work.
/// </summary>
public sealed class SimulateMixTests
{
    private static readonly Dictionary<string, string> Mix = new() { ["Simulation:Mix"] = "true" };

    [Fact]
    public async Task Mixed_rooms_come_up_with_a_registered_bridge_and_dimmers_are_driven_and_survive_a_restart()
    {
        var dataDirectory = HostUnderTest.NewDataDirectory();
        var mqttPort = FreePorts.Next();
        var host = await HostUnderTest.StartAsync(simulatedRooms: 2, dataDirectory: dataDirectory, mqttPort: mqttPort, extra: Mix);
        try
        {
            await AllOnline(host, "before the restart");
            var room = await host.GetRoomAsync("room-1");
            Assert.Equal(4, room.Devices.Count);

            var devices = (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!;
            var lights = room.Devices.Where(d => d.Kind == "light")
                .Select(d => devices.Single(x => x.GetProperty("deviceId").GetString() == d.DeviceId).GetProperty("convention").GetString()).Order();
            Assert.Equal(["homeassistant-json", "tasmota", "zigbee2mqtt"], lights);
            Assert.Equal("room-1-mask", room.Devices.Single(d => d.Kind == "mask").DeviceId);

            var bridge = Assert.Single((await host.Http.GetFromJsonAsync<JsonElement[]>("/api/bridges"))!);
            Assert.Equal(("Simulated Zigbee2MQTT bridge", "online"), (bridge.GetProperty("name").GetString(), bridge.GetProperty("availability").GetString()));
            Assert.Equal(2, (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/tasmota"))!.Length);
            Assert.Equal(2, (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/json-lights"))!.Length);

            await Drives(host, 35);

            await host.DisposeAsync();
            host = await HostUnderTest.StartAsync(simulatedRooms: 2, dataDirectory: dataDirectory, mqttPort: mqttPort, extra: Mix);
            await AllOnline(host, "after the restart");
            Assert.Single((await host.Http.GetFromJsonAsync<JsonElement[]>("/api/bridges"))!);
            await Drives(host, 60);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static Task AllOnline(HostUnderTest host, string when) =>
        Eventually.TrueAsync(
            async () => (await Task.WhenAll(host.GetRoomAsync("room-1"), host.GetRoomAsync("room-2"))).All(r => r.Devices.Count == 4 && r.Devices.All(d => d.Availability == "online")),
            TimeSpan.FromSeconds(30),
            $"every device of both mixed rooms online {when}");

    /// <summary>The room's lights report the level it asked for: the bulb and the dimmer both.</summary>
    private static async Task Drives(HostUnderTest host, int brightness)
    {
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness, transitionMs = 0 })).EnsureSuccessStatusCode();
        var shown = string.Empty;
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    var lights = (await host.GetRoomAsync("room-1")).Devices.Where(d => d.Kind == "light").ToArray();
                    shown = string.Join(", ", lights.Select(d => $"{d.DeviceId}: {d.Actual?.Brightness}"));
                    return lights.All(d => d.Actual?.Brightness == brightness);
                },
                TimeSpan.FromSeconds(20),
                $"room-1's bulb, dimmer and lamp at {brightness} %");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; they show {shown}", e);
        }
    }
}
