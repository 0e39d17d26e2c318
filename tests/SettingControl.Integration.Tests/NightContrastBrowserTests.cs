using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Night mode (red light only) stays readable: every visible text on the overview and the room page, session running,
/// has at least 4.5:1 contrast (WCAG AA) against the surface it sits on, as the page draws them.
/// </summary>
public sealed class NightContrastBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    /// <summary>
    /// For each visible element with text of its own (disabled controls are exempt, as WCAG exempts them): its colour
    /// against the first opaque background up the tree, as the WCAG contrast ratio; the worst few, with their text.
    /// </summary>
    private const string LowestContrasts = """
        () => {
          const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
          const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a >= 0.99) return c; } return parse(getComputedStyle(document.documentElement).backgroundColor) ?? { r: 0, g: 0, b: 0 }; };
          const found = [];
          for (const el of document.querySelectorAll('body *')) {
            if (el.closest('[disabled], [aria-disabled="true"], fieldset:disabled')) continue;
            const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(' ').trim();
            if (!own) continue;
            const style = getComputedStyle(el); const box = el.getBoundingClientRect();
            if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0 || el.closest('[hidden]')) continue;
            const fg = parse(style.color); if (!fg) continue;
            const a = lum(fg), b = lum(background(el));
            found.push({ ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), text: own.slice(0, 40), color: style.color });
          }
          return found.sort((x, y) => x.ratio - y.ratio).slice(0, 5).map((f) => `${f.ratio.toFixed(2)} ${f.color} "${f.text}"`);
        }
        """;

    [Fact]
    public async Task Every_text_in_night_mode_has_at_least_4_5_to_1()
    {
        var tablet = await NewTabletPageAsync();
        await tablet.Locator("#night-toggle").ClickAsync();
        await Assertions.Expect(tablet.Locator("html")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("theme-night"));
        await Assertions.Expect(tablet.GetByRole(AriaRole.Link, new() { Name = "Room 1" })).ToBeVisibleAsync();
        await AssertReadable(tablet, "the overview");

        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await tablet.GetByTestId("protocol-select").SelectOptionAsync("esketamine-nasal");
        await tablet.GetByTestId("session-label").FillAsync("Tuesday 09:00");
        await tablet.GetByTestId("start-session").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("phase-name")).ToHaveTextAsync("Preparation and intention");
        await AssertReadable(tablet, "the room page with a session running");
    }

    private static async Task AssertReadable(IPage page, string where)
    {
        var lowest = await page.EvaluateAsync<string[]>(LowestContrasts);
        Assert.NotEmpty(lowest);
        var worst = double.Parse(lowest[0].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(worst >= 4.5, $"{where}: lowest contrasts\n{string.Join('\n', lowest)}");
    }
}
