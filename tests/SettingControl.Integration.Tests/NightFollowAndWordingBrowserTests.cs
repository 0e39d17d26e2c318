using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// What a therapist sees in a dim room: night mode that follows the room's light when asked to, a phone's top bar
/// with nothing clipped or wrapped, the phase the room is in named in full, and hints that go once they are answered.
/// </summary>
public sealed partial class NightFollowAndWordingBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task Night_mode_can_follow_the_room_below_15_percent_and_back()
    {
        var tablet = await NewTabletPageAsync();
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(tablet.GetByTestId("connection-status")).ToHaveTextAsync("connected");
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(Day());

        await tablet.GetByTestId("user-menu").ClickAsync();
        await tablet.GetByTestId("night-follow").CheckAsync();
        await Assertions.Expect(tablet.Locator("#night-toggle")).ToHaveTextAsync("Night · auto");
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(Day()); // the room is at 40 %

        await SetBrightness(8);
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(Night(), new() { Timeout = 15_000 });

        // Hovering just above the threshold does not flick it back; well above it does.
        await SetBrightness(17);
        Assert.True(await Host.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 17, TimeSpan.FromSeconds(15)));
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(Night());
        await SetBrightness(60);
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(Day(), new() { Timeout = 15_000 });

        // The Night button is a choice of its own: it stops following.
        await tablet.Locator("#night-toggle").ClickAsync();
        await Assertions.Expect(tablet.Locator("#night-toggle")).ToHaveTextAsync("Night");
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(Night());
        await SetBrightness(70);
        Assert.True(await Host.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 70, TimeSpan.FromSeconds(15)));
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(Night());
    }

    [Fact]
    public async Task On_a_phone_the_top_bar_keeps_every_word_whole()
    {
        var phone = await NewTabletPageAsync("admin", new ViewportSize { Width = 390, Height = 844 });
        await phone.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(phone.GetByTestId("connection-status")).ToHaveTextAsync("connected");
        var problems = await phone.EvaluateAsync<string[]>("""
            () => {
              const found = [];
              if (document.documentElement.scrollWidth > window.innerWidth) found.push(`page ${document.documentElement.scrollWidth}px wide`);
              for (const el of document.querySelectorAll('.topbar-right > *, .topbar-right .user-pill, .topbar-right .conn-text')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0) continue;
                if (el.scrollWidth > el.clientWidth + 1) found.push(`${el.textContent.trim()} clipped`);
                if (box.right > window.innerWidth + 0.5 || box.left < -0.5) found.push(`${el.textContent.trim()} off screen`);
                // a run of words that the browser broke over lines has more than one box
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                  if (!node.textContent.trim()) continue;
                  const range = document.createRange(); range.selectNodeContents(node);
                  const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
                  if (boxes.length > 1) found.push(`"${node.textContent.trim()}" wraps onto ${boxes.length} lines`);
                }
              }
              return found;
            }
            """);
        Assert.True(problems.Length == 0, string.Join("; ", problems));
        await Assertions.Expect(phone.GetByTestId("user-pill")).ToHaveJSPropertyAsync("innerText", "admin"); // the role is in the menu
        await Infrastructure.Browser.ScreenshotAsync(phone, "phone-top-bar", fullPage: false);
    }

    [Fact]
    public async Task The_phase_in_progress_is_named_in_full_and_the_label_hint_goes_once_a_label_is_typed()
    {
        var tablet = await NewTabletPageAsync(viewport: new ViewportSize { Width = 1180, Height = 820 });
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await tablet.GetByTestId("protocol-select").SelectOptionAsync("esketamine-nasal");
        await tablet.GetByTestId("start-session").ClickAsync();
        var hint = tablet.Locator("#session-label-hint");
        await Assertions.Expect(hint).ToHaveTextAsync(new Regex("^Enter a label first"));
        await tablet.GetByTestId("session-label").FillAsync("Tuesday 09:00");
        await Assertions.Expect(hint).ToHaveTextAsync("A label for the session record: day, time, room. No patient names.");

        await tablet.GetByTestId("start-session").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("phase-name")).ToHaveTextAsync("Preparation and intention");
        await AssertCurrentPhaseShownWhole(tablet, "Preparation and intention");
        await tablet.GetByTestId("mark-dose").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("phase-name")).ToHaveTextAsync("Dosing and onset");
        await AssertCurrentPhaseShownWhole(tablet, "Dosing and onset");
        await Infrastructure.Browser.ScreenshotAsync(tablet, "timeline-current-phase", fullPage: false);
    }

    private static async Task AssertCurrentPhaseShownWhole(IPage page, string name)
    {
        var current = page.Locator(".seg.is-current");
        await Assertions.Expect(current.Locator(".seg-name")).ToHaveTextAsync(name);
        var problem = await current.EvaluateAsync<string>("""
            (seg) => {
              const name = seg.querySelector('.seg-name');
              if (name.scrollWidth > name.clientWidth + 1) return `cut: ${name.scrollWidth}px of text in ${name.clientWidth}px`;
              const tag = seg.querySelector('.seg-t0');
              if (!tag) return '';
              const range = document.createRange(); range.selectNodeContents(name);
              const a = range.getBoundingClientRect(), b = tag.getBoundingClientRect();
              const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
              return overlap ? 'under the T0 tag' : '';
            }
            """);
        Assert.True(problem == string.Empty, $"{name}: {problem}");
    }

    private async Task SetBrightness(int percent) =>
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = percent, transitionMs = 0 })).EnsureSuccessStatusCode();

    [GeneratedRegex("theme-night")]
    private static partial Regex Night();

    [GeneratedRegex("theme-dark")]
    private static partial Regex Day();
}
