using System.Net.Http.Json;
using System.Collections.Concurrent;
using Microsoft.Playwright;
using SettingControl.FirmwareSim;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The eye-mask light on the therapist's tablet, with a simulated mask that reports it is worn: End on the slider asks
/// first and sends nothing until Confirm (Cancel puts the slider back); the mask then fades up through the levels in
/// between, never in one jump; a mask-light ceiling set in the staff console stops the thumb and says so, and lowering
/// it below the mask's light brings the light down with a fade.
/// </summary>
public sealed class MaskLightBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    private static readonly TimeSpan DeviceWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Raising_a_worn_masks_light_asks_first_then_fades_and_stops_at_the_staff_ceiling()
    {
        var mask = Host.SimulatedDevices!["room-1-mask"];
        var page = await NewTabletPageAsync();
        await page.GotoAsync(PageUrl("#/rooms/room-1"));
        var panel = page.Locator(".panel-mask");
        await Assertions.Expect(panel).ToContainTextAsync("Worn");
        await page.GetByTestId("mask-on-toggle").CheckAsync();
        Assert.True(await mask.WaitUntilAsync(s => s.On && s.Light == 0, DeviceWait), "the mask on, its light at 0");

        var levels = new ConcurrentQueue<int>();
        void Record(DeviceSnapshot s) => levels.Enqueue(s.Light ?? -1);
        mask.StateChanged += Record;
        try
        {
            // End asks first; nothing reaches the room or the mask.
            var slider = page.GetByTestId("mask-light-slider");
            var question = page.GetByTestId("mask-confirm-text");
            await slider.FocusAsync();
            await page.Keyboard.PressAsync("End");
            await Assertions.Expect(question).ToHaveTextAsync("The mask is worn. Raise its light to 100 %? It fades over 3 s.");
            await Assertions.Expect(slider).ToHaveValueAsync("100");
            Assert.Equal(0, (await Host.GetRoomAsync("room-1")).Desired.Mask.Light);
            Assert.Equal(0, mask.Current.Light);

            // Cancel puts the slider back where the room is.
            await page.GetByTestId("mask-cancel").ClickAsync();
            await Assertions.Expect(page.GetByTestId("mask-confirm-box")).ToBeHiddenAsync();
            await Assertions.Expect(slider).ToHaveValueAsync("0");
            await Assertions.Expect(page.GetByTestId("mask-light-target")).ToHaveTextAsync("0%");
            Assert.Equal(0, mask.Current.Light);

            // Confirm sends it: the mask fades up through the levels between.
            await slider.FocusAsync();
            await page.Keyboard.PressAsync("End");
            await page.GetByTestId("mask-confirm").ClickAsync();
            await Assertions.Expect(page.GetByTestId("mask-confirm-box")).ToBeHiddenAsync();
            Assert.True(await mask.WaitUntilAsync(s => s.Light == 100, DeviceWait), "the mask light at 100 %");
            AssertFadedThrough(levels, 0, 100);

            // Staff set a ceiling of 60 in the console: the mask fades down to it and the tablet says so.
            levels.Clear();
            var staff = await NewTabletPageAsync("staff");
            await staff.GotoAsync(PageUrl("#/staff"));
            await staff.GetByTestId("room-max-mask-room-1").FillAsync("60");
            await staff.GetByTestId("room-save-room-1").ClickAsync();
            await Assertions.Expect(page.GetByTestId("mask-light-ceiling")).ToHaveTextAsync("Limited to 60% by staff", new() { Timeout = 15_000 });
            Assert.True(await mask.WaitUntilAsync(s => s.Light == 60, DeviceWait), "the mask light down to the ceiling");
            AssertFadedThrough(levels, 100, 60);

            // Down needs no question; up stops at the ceiling, and is asked about at the ceiling.
            await slider.FocusAsync();
            await page.Keyboard.PressAsync("Home");
            Assert.True(await mask.WaitUntilAsync(s => s.Light == 0, DeviceWait), "the mask light down to 0 without a question");
            await slider.FocusAsync();
            await page.Keyboard.PressAsync("End");
            await Assertions.Expect(slider).ToHaveValueAsync("60");
            await Assertions.Expect(page.GetByTestId("mask-light-target")).ToHaveTextAsync("60%");
            await Assertions.Expect(question).ToHaveTextAsync("The mask is worn. Raise its light to 60 %? It fades over 3 s.");
            Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
            await panel.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "mask-light-confirm.png") });
            await page.GetByTestId("mask-confirm").ClickAsync();
            Assert.True(await mask.WaitUntilAsync(s => s.Light == 60, DeviceWait), "the mask light at the ceiling");
            await Assertions.Expect(page.GetByTestId("error-banner")).ToBeHiddenAsync();
        }
        finally
        {
            mask.StateChanged -= Record;
        }
    }

    [Fact]
    public async Task Switching_a_worn_mask_on_at_a_bright_level_asks_first_then_comes_up_from_dark()
    {
        var mask = Host.SimulatedDevices!["room-1-mask"];
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/mask", new { on = false, light = 80, transitionMs = 0 })).EnsureSuccessStatusCode();
        var page = await NewTabletPageAsync();
        await page.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(page.Locator(".panel-mask")).ToContainTextAsync("Worn");
        await Assertions.Expect(page.GetByTestId("mask-light-target")).ToHaveTextAsync("80%");
        Assert.True(await mask.WaitUntilAsync(s => !s.On, DeviceWait), "the mask off");

        var levels = new ConcurrentQueue<int>();
        void Record(DeviceSnapshot s) => levels.Enqueue(s.On ? s.Light ?? -1 : 0);
        mask.StateChanged += Record;
        try
        {
            // "Mask on" asks first; Cancel leaves the mask off and the switch says so.
            var toggle = page.GetByTestId("mask-on-toggle");
            await toggle.CheckAsync();
            await Assertions.Expect(page.GetByTestId("mask-confirm-text")).ToHaveTextAsync("The mask is worn. Turn its light on at 80 %? It fades up over 3 s.");
            Assert.False((await Host.GetRoomAsync("room-1")).Desired.Mask.On);
            await page.GetByTestId("mask-cancel").ClickAsync();
            await Assertions.Expect(toggle).Not.ToBeCheckedAsync();
            Assert.False(mask.Current.On);

            // Confirmed, it comes up from dark through the levels between, never on at 80 % at once.
            await toggle.CheckAsync();
            await page.GetByTestId("mask-confirm").ClickAsync();
            await Assertions.Expect(page.GetByTestId("mask-confirm-box")).ToBeHiddenAsync();
            Assert.True(await mask.WaitUntilAsync(s => s.On && s.Light == 80, DeviceWait), "the mask on at 80 %");
            AssertFadedThrough(levels, 0, 80);
            var firstLit = levels.First(l => l > 0);
            Assert.True(firstLit < 40, $"the mask came on at {firstLit} %, not from dark; it reported {string.Join(", ", levels)}");
            await Assertions.Expect(toggle).ToBeCheckedAsync();
        }
        finally
        {
            mask.StateChanged -= Record;
        }
    }

    /// <summary>The mask reported levels strictly between <paramref name="from"/> and <paramref name="to"/>: a fade, not a jump.</summary>
    private static void AssertFadedThrough(IEnumerable<int> levels, int from, int to)
    {
        var (low, high) = (Math.Min(from, to), Math.Max(from, to));
        var between = levels.Where(l => l > low && l < high).Distinct().Count();
        Assert.True(between >= 2, $"the mask went from {from} to {to} through levels in between; it reported {string.Join(", ", levels)}");
    }
}
