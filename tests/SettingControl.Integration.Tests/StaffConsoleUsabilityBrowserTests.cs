using System.Net.Http.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The staff console as staff and admins use it, in a real browser: a room picked for a device stays picked through the
/// console's refreshes.
/// </summary>
public sealed class StaffConsoleUsabilityBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    /// <summary>How often the console refreshes its devices (the interval in views/staff.js).</summary>
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(5);

    private async Task CreateRoomAsync(string roomId, string name) =>
        (await Host.Http.PostAsJsonAsync("/api/rooms", new { roomId, name })).EnsureSuccessStatusCode();

    private async Task<IPage> ConsoleAsync(string username, ViewportSize? viewport = null)
    {
        var page = await NewTabletPageAsync(username, viewport);
        await page.GotoAsync(PageUrl("#/staff"));
        await Assertions.Expect(page.GetByTestId("devices-table")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("protocol-list")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task A_room_picked_for_a_device_stays_picked_through_refreshes_and_Move_moves_it_there()
    {
        await CreateRoomAsync("garden", "Garden room");
        var deviceId = (await Host.GetRoomAsync("room-1")).Devices[0].DeviceId;
        var staff = await ConsoleAsync("staff");
        var picker = staff.GetByTestId($"device-room-{deviceId}");
        await Assertions.Expect(picker).ToHaveValueAsync("room-1");

        await picker.SelectOptionAsync("garden");
        await staff.GetByTestId("devices-table").Locator("th").First.ClickAsync(); // the picker no longer has focus
        await Task.Delay(RefreshPeriod * 2 + TimeSpan.FromSeconds(1));

        await Assertions.Expect(picker).ToHaveValueAsync("garden");
        await Assertions.Expect(picker.Locator("option:checked")).ToHaveTextAsync("Garden room");
        var move = staff.GetByTestId($"device-assign-{deviceId}");
        await Assertions.Expect(move).ToHaveTextAsync("Move");
        await move.ClickAsync();
        await Eventually.TrueAsync(async () => (await Host.GetRoomAsync("garden")).Devices.Any(d => d.DeviceId == deviceId),
            TimeSpan.FromSeconds(15), "the device moved to the garden room");
        await Assertions.Expect(staff.GetByTestId("staff-room-garden")).ToContainTextAsync("1");
        await Assertions.Expect(picker).ToHaveValueAsync("garden");
    }
}
