using Microsoft.Playwright;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Real lights from the staff console, in a real browser: staff register a Zigbee2MQTT bridge and copy its login into
/// the bridge (the simulated one, with a real Philips Hue definition); its bulb appears among the devices, named and
/// described as Zigbee2MQTT has it; staff assign it to a room, and the therapist's brightness slider drives the bulb.
/// </summary>
public sealed class BridgeConsoleBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task Staff_register_a_bridge_assign_its_bulb_and_the_room_slider_drives_it()
    {
        var staff = await NewTabletPageAsync("staff");
        await staff.GotoAsync(PageUrl("#/staff"));
        await staff.GetByTestId("new-bridge-name").FillAsync("Ground floor");
        await staff.GetByTestId("register-bridge").ClickAsync();
        var login = staff.GetByTestId("new-bridge-login");
        await Assertions.Expect(login).ToContainTextAsync("it is not shown again");
        var username = (await login.GetAttributeAsync("data-username"))!;
        var password = (await login.GetAttributeAsync("data-password"))!;

        var bulbs = Zigbee2MqttBridgeOptions.DefaultBulbs(1);
        await using var bridge = new Zigbee2MqttBridge(new Zigbee2MqttBridgeOptions
        {
            Broker = new MqttEndpoint { BrokerPort = Host.MqttPort, Username = username, Password = password },
            Bulbs = bulbs,
            ReportIntervalMs = 200,
        });
        await bridge.StartAsync(CancellationToken.None);

        var bridgeRow = staff.GetByTestId($"bridge-{username}");
        await Assertions.Expect(bridgeRow).ToContainTextAsync("online", new() { Timeout = 15_000 });
        await Assertions.Expect(staff.GetByTestId($"bridge-{username}-lights")).ToHaveTextAsync("1", new() { Timeout = 15_000 });

        var bulb = bulbs[0];
        var deviceId = bulb.EffectiveIeeeAddress.ToLowerInvariant();
        var deviceRow = staff.GetByTestId($"staff-device-{deviceId}");
        await Assertions.Expect(deviceRow).ToContainTextAsync(bulb.FriendlyName, new() { Timeout = 15_000 });
        await Assertions.Expect(staff.GetByTestId($"staff-device-{deviceId}-convention")).ToHaveTextAsync("Zigbee2MQTT");
        await Assertions.Expect(deviceRow).ToContainTextAsync("Philips");
        await Assertions.Expect(deviceRow).ToContainTextAsync("online", new() { Timeout = 15_000 });
        await staff.GetByTestId($"device-room-{deviceId}").SelectOptionAsync("room-1");
        await staff.GetByTestId($"device-assign-{deviceId}").ClickAsync();
        await Eventually.TrueAsync(async () => (await Host.GetRoomAsync("room-1")).Devices.Any(d => d.DeviceId == deviceId && d.Availability == "online"),
            TimeSpan.FromSeconds(15), "the bulb online in room-1");
        await Browser.ScreenshotAsync(staff, "staff-console-bridge");

        var therapist = await NewTabletPageAsync("therapist");
        await therapist.GotoAsync(PageUrl("#/rooms/room-1"));
        await therapist.GetByTestId("transition-select").SelectOptionAsync(new SelectOptionValue { Label = "Instant" });
        await therapist.GetByTestId("brightness-slider").FillAsync("30");

        // 30 % is 76 of Zigbee2MQTT's 0–254, and the bulb's own report comes back to the therapist's screen.
        await Eventually.TrueAsync(() => Task.FromResult(bridge[bulb.FriendlyName].Current.Brightness == 76), TimeSpan.FromSeconds(15), "the bulb reached 76/254");
        await Assertions.Expect(therapist.GetByTestId($"device-{deviceId}-actual-brightness")).ToHaveTextAsync("30%", new() { Timeout = 15_000 });
    }
}
