using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>The real dashboard page in a real browser against the real host and simulated devices.</summary>
public sealed class DashboardBrowserTests() : BrowserTestBase(simulatedRooms: 2)
{
    [Fact]
    public async Task A_change_on_one_tablet_shows_on_the_other_and_reaches_the_light()
    {
        var first = await NewTabletPageAsync();
        var second = await NewTabletPageAsync();
        await first.GotoAsync(PageUrl("#/rooms/room-1"));
        await second.GotoAsync(PageUrl("#/rooms/room-1"));
        foreach (var page in new[] { first, second })
        {
            await Assertions.Expect(page.GetByTestId("connection-status")).ToHaveTextAsync("connected");
            await Assertions.Expect(page.GetByTestId("brightness-target")).ToHaveTextAsync("40%");
            await Assertions.Expect(page.GetByTestId("device-room-1-light-1-availability")).ToHaveTextAsync("online");
        }

        // The therapist on the first tablet dims the room: a slider release sends the command.
        await first.GetByTestId("transition-select").SelectOptionAsync(new SelectOptionValue { Label = "Instant" });
        await first.GetByTestId("brightness-slider").FillAsync("15");

        await Assertions.Expect(second.GetByTestId("brightness-target")).ToHaveTextAsync("15%");
        await Assertions.Expect(second.GetByTestId("brightness-slider")).ToHaveValueAsync("15");
        Assert.True(await Host.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 15, TimeSpan.FromSeconds(15)),
            "the simulated light reached 15 %");
        await Assertions.Expect(second.GetByTestId("device-room-1-light-1-actual-brightness")).ToHaveTextAsync("15%");
        await Assertions.Expect(first.GetByTestId("device-room-1-light-2-actual-brightness")).ToHaveTextAsync("15%");

        // The second tablet switches the mask light on; the first sees it and so does the mask.
        await second.GetByTestId("mask-on-toggle").ClickAsync();
        await Assertions.Expect(first.GetByTestId("mask-on-toggle")).ToBeCheckedAsync();
        Assert.True(await Host.SimulatedDevices["room-1-mask"].WaitUntilAsync(s => s.On, TimeSpan.FromSeconds(15)));

        await Infrastructure.Browser.ScreenshotAsync(first, "room-page");
        await first.GotoAsync(PageUrl("#/"));
        await Assertions.Expect(first.GetByTestId("room-card-room-2-health")).ToContainTextAsync("3/3 online");
        await Infrastructure.Browser.ScreenshotAsync(first, "room-list");
    }

    [Fact]
    public async Task A_device_going_offline_shows_at_once_and_a_refused_value_shows_a_clear_error()
    {
        var page = await NewTabletPageAsync();
        await page.GotoAsync(PageUrl("#/rooms/room-2"));
        await Assertions.Expect(page.GetByTestId("device-room-2-light-2-availability")).ToHaveTextAsync("online");

        await Host.SimulatedDevices!["room-2-light-2"].CrashAsync();

        await Assertions.Expect(page.GetByTestId("device-room-2-light-2-availability")).ToHaveTextAsync("offline");

        await page.GotoAsync(PageUrl("#/rooms/no-such-room"));
        await Assertions.Expect(page.GetByTestId("error-banner")).ToContainTextAsync("does not exist");
    }
}
