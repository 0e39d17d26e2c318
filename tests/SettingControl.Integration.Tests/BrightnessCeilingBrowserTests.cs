using System.Net.Http.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A room staff limited to 60 %, on the therapist's tablet: the slider says so in plain words, its thumb stops at the
/// ceiling (End included), the light goes to 60 % and no error is shown.
/// </summary>
public sealed class BrightnessCeilingBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task The_slider_stops_at_the_staff_ceiling_and_says_so_without_an_error()
    {
        (await Host.Http.PatchAsJsonAsync("/api/rooms/room-1", new { maxBrightness = 60 })).EnsureSuccessStatusCode();
        var page = await NewTabletPageAsync();
        await page.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(page.GetByTestId("brightness-ceiling")).ToHaveTextAsync("Limited to 60% by staff");
        await page.GetByTestId("transition-select").SelectOptionAsync(new SelectOptionValue { Label = "Instant" });

        var slider = page.GetByTestId("brightness-slider");
        await slider.FocusAsync();
        await page.Keyboard.PressAsync("End");

        await Assertions.Expect(slider).ToHaveValueAsync("60");
        await Assertions.Expect(page.GetByTestId("brightness-target")).ToHaveTextAsync("60%");
        Assert.True(await Host.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 60, TimeSpan.FromSeconds(15)), "the light at the ceiling");
        await Assertions.Expect(page.GetByTestId("error-banner")).ToBeHiddenAsync();
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await slider.Locator("xpath=ancestor::section[1]").ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "brightness-ceiling.png") });

        // Without a ceiling the note goes and the slider runs to 100 again.
        (await Host.Http.PatchAsJsonAsync("/api/rooms/room-1", new { maxBrightness = 100 })).EnsureSuccessStatusCode();
        await Assertions.Expect(page.GetByTestId("brightness-ceiling")).ToBeHiddenAsync();
        await slider.FocusAsync();
        await page.Keyboard.PressAsync("End");
        await Assertions.Expect(slider).ToHaveValueAsync("100");
    }
}
