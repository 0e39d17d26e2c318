using Microsoft.Playwright;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// An ESPHome light from the staff console, in a real browser: staff register it with its topics and copy its login
/// into the light (the simulated one); it shows online, speaking Home Assistant JSON; staff assign it to a room, and
/// the therapist's brightness slider drives it. A name with markup is shown as text.
/// </summary>
public sealed class JsonLightConsoleBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task Staff_register_a_json_light_assign_it_and_the_room_slider_drives_it()
    {
        const string name = "Reading lamp <b>bold</b>";
        var staff = await NewTabletPageAsync("staff");
        await staff.GotoAsync(PageUrl("#/staff"));
        await staff.GetByTestId("new-json-light-name").FillAsync(name);
        await staff.GetByTestId("new-json-light-command-topic").FillAsync("esphome/reading-lamp/light/command");
        await staff.GetByTestId("new-json-light-state-topic").FillAsync("esphome/reading-lamp/light/state");
        await staff.GetByTestId("new-json-light-availability-topic").FillAsync("esphome/reading-lamp/status");
        await staff.GetByTestId("register-json-light").ClickAsync();
        var login = staff.GetByTestId("new-json-light-login");
        await Assertions.Expect(login).ToContainTextAsync("it is not shown again");
        var deviceId = (await login.GetAttributeAsync("data-username"))!;
        Assert.Equal("jsonlight-reading-lamp-b-bold-b", deviceId);

        await using var light = new SimulatedJsonLight(JsonLightOptions.Esphome("reading-lamp") with
        {
            ReportIntervalMs = 200,
            Broker = new MqttEndpoint { BrokerPort = Host.MqttPort, Username = deviceId, Password = await login.GetAttributeAsync("data-password") },
        });
        await light.StartAsync(CancellationToken.None);

        var lightRow = staff.GetByTestId($"json-light-{deviceId}");
        await Assertions.Expect(lightRow).ToContainTextAsync("online", new() { Timeout = 15_000 });
        await Assertions.Expect(lightRow).ToContainTextAsync(name);
        Assert.Equal(0, await lightRow.Locator("b").CountAsync());

        await Assertions.Expect(staff.GetByTestId($"staff-device-{deviceId}-convention")).ToHaveTextAsync("Home Assistant JSON", new() { Timeout = 15_000 });
        await staff.GetByTestId($"device-room-{deviceId}").SelectOptionAsync("room-1");
        await staff.GetByTestId($"device-assign-{deviceId}").ClickAsync();
        await Eventually.TrueAsync(async () => (await Host.GetRoomAsync("room-1")).Devices.Any(d => d.DeviceId == deviceId && d.Availability == "online"),
            TimeSpan.FromSeconds(15), "the light online in room-1");
        await Browser.ScreenshotAsync(staff, "staff-console-json-light");

        var therapist = await NewTabletPageAsync("therapist");
        await therapist.GotoAsync(PageUrl("#/rooms/room-1"));
        await therapist.GetByTestId("transition-select").SelectOptionAsync(new SelectOptionValue { Label = "Instant" });
        await therapist.GetByTestId("brightness-slider").FillAsync("30");

        // 30 % is 77 of the light's 0–255, and its own report comes back to the therapist's screen.
        await Eventually.TrueAsync(() => light.Output.Level == 77, TimeSpan.FromSeconds(15), "the light reached 77/255");
        await Assertions.Expect(therapist.GetByTestId($"device-{deviceId}-actual-brightness")).ToHaveTextAsync("30%", new() { Timeout = 15_000 });
    }
}
