using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The staff console as staff and admins use it, in a real browser: a room picked for a device stays picked (and focus
/// stays where it is) through the console's refreshes, nothing covers or garbles their tables, the console fits a
/// phone, a room id is checked as it is typed, and an admin disabling their own account is asked first.
/// </summary>
public sealed class StaffConsoleUsabilityBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    /// <summary>How often the console refreshes its devices (the interval in views/staff.js).</summary>
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(5);

    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

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
    public async Task A_room_picked_for_a_device_stays_picked_and_focus_stays_put_through_refreshes_and_Move_moves_it_there()
    {
        await CreateRoomAsync("garden", "Garden room");
        (await Host.Http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = "zigbee2mqtt", name = "Ground floor" })).EnsureSuccessStatusCode();
        var deviceId = (await Host.GetRoomAsync("room-1")).Devices[0].DeviceId;
        var staff = await ConsoleAsync("staff");
        var picker = staff.GetByTestId($"device-room-{deviceId}");
        await Assertions.Expect(picker).ToHaveValueAsync("room-1");

        await picker.SelectOptionAsync("garden");
        // The picker no longer has focus: a bridge's Remove button has it, in a list the same refresh reloads.
        var remove = staff.Locator("[data-testid^='bridge-remove-']");
        await remove.FocusAsync();
        await Task.Delay(RefreshPeriod * 2 + TimeSpan.FromSeconds(1));

        await Assertions.Expect(remove).ToBeFocusedAsync();
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

    [Theory]
    [InlineData("staff")]
    [InlineData("admin")]
    public async Task On_a_phone_the_console_fits_shows_no_stray_words_and_no_banner_over_the_tables(string username)
    {
        var page = await ConsoleAsync(username, Phone);
        await Browser.ScreenshotAsync(page, $"staff-console-phone-{username}");

        var text = await page.Locator("main").InnerTextAsync();
        var wrong = new List<string>();
        if (text.Contains("null", StringComparison.Ordinal) || text.Contains("undefined", StringComparison.Ordinal))
        {
            wrong.Add("stray words: " + text);
        }

        if (!await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
        {
            wrong.Add("the page scrolls sideways on a phone");
        }

        // Staff are view only on room pages, where the banner says so; here it would only cover their tables. With the
        // devices table's top just above the bottom of the screen, nothing may lie over it.
        var table = page.GetByTestId("devices-table");
        await table.EvaluateAsync("t => window.scrollBy(0, t.getBoundingClientRect().top - (window.innerHeight - 40))");
        var banners = page.GetByTestId("readonly-banner");
        var banner = await banners.CountAsync() == 0 ? null : await banners.BoundingBoxAsync();
        if (banner is not null && Overlap(banner, (await table.BoundingBoxAsync())!))
        {
            wrong.Add("the view-only banner covers the devices table");
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task A_room_id_is_checked_as_it_is_typed()
    {
        var staff = await ConsoleAsync("staff");
        var id = staff.GetByTestId("new-room-id");
        await id.FillAsync("Bad Room!");
        Assert.True(await id.EvaluateAsync<bool>("input => input.validity.patternMismatch"), "Bad Room! is refused");
        await staff.GetByTestId("create-room").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("create-room-form").Locator("input:invalid")).ToHaveCountAsync(1);

        await id.FillAsync("garden-2_b");
        Assert.True(await id.EvaluateAsync<bool>("input => input.validity.valid"), "garden-2_b is accepted");
        await staff.GetByTestId("new-room-name").FillAsync("Garden room");
        await staff.GetByTestId("create-room").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("staff-room-garden-2_b")).ToContainTextAsync("garden-2_b");
    }

    [Fact]
    public async Task An_admin_disabling_their_own_account_is_asked_first_and_then_signed_out()
    {
        (await Host.Http.PostAsJsonAsync("/api/accounts", new { username = "deputy", password = HostUnderTest.DemoPassword, role = "Admin" }))
            .EnsureSuccessStatusCode();
        var admin = await ConsoleAsync("deputy");
        var toggle = admin.GetByTestId("account-toggle-deputy");
        await toggle.ClickAsync();

        await Assertions.Expect(admin.GetByTestId("account-confirm-deputy")).ToHaveTextAsync("Disable your own account? You will be signed out at once.");
        await Assertions.Expect(toggle).ToHaveTextAsync("Tap again to disable");
        Assert.False(await DisabledAsync("deputy"), "one tap disables nothing");

        await toggle.ClickAsync();
        await Assertions.Expect(admin.GetByTestId("signin-username")).ToBeVisibleAsync();
        Assert.True(await DisabledAsync("deputy"), "the second tap disabled the account");

        // Another admin's account is still one tap, as before.
        var chief = await ConsoleAsync("admin");
        await chief.GetByTestId("account-toggle-deputy").ClickAsync();
        await Assertions.Expect(chief.GetByTestId("account-deputy")).ToContainTextAsync("active");
    }

    private async Task<bool> DisabledAsync(string username)
    {
        using var accounts = JsonDocument.Parse(await Host.Http.GetStringAsync("/api/accounts"));
        return accounts.RootElement.EnumerateArray().Single(a => a.GetProperty("username").GetString() == username).GetProperty("disabled").GetBoolean();
    }

    private static bool Overlap(LocatorBoundingBoxResult a, LocatorBoundingBoxResult b) =>
        a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
}
