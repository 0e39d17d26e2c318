using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The tablet as a kiosk: the dashboard installs as a web app (manifest, icons, standalone), and the screen is kept
/// awake while a session runs in the room on screen, released when the session ends.
/// </summary>
public sealed class KioskBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task The_dashboard_installs_as_a_standalone_app_with_its_icons()
    {
        var page = await Browser.NewTabletPageAsync();
        await page.GotoAsync(PageUrl("#/"));
        var href = await page.Locator("link[rel=manifest]").GetAttributeAsync("href");
        Assert.Equal("manifest.webmanifest", href);

        using var anonymous = new HttpClient { BaseAddress = Host.BaseUrl };
        var response = await anonymous.GetAsync("/manifest.webmanifest");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/manifest+json", response.Content.Headers.ContentType?.MediaType);
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = manifest.RootElement;
        Assert.Equal(("standalone", "/", "SettingControl"), (root.GetProperty("display").GetString(), root.GetProperty("start_url").GetString(), root.GetProperty("name").GetString()));
        var sizes = new List<string>();
        foreach (var icon in root.GetProperty("icons").EnumerateArray())
        {
            var file = await anonymous.GetAsync("/" + icon.GetProperty("src").GetString());
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(icon.GetProperty("type").GetString(), file.Content.Headers.ContentType?.MediaType);
            sizes.Add(icon.GetProperty("sizes").GetString()!);
        }

        Assert.Contains("192x192", sizes);
        Assert.Contains("512x512", sizes);
    }

    [Fact]
    public async Task The_screen_stays_awake_while_a_session_runs_and_is_let_go_when_it_ends()
    {
        var tablet = await Browser.NewTabletPageAsync();

        // Stands in for the tablet's Screen Wake Lock (headless Chromium has no screen to keep on): counts requests and releases.
        await tablet.AddInitScriptAsync("""
            window.__wake = { requested: 0, released: 0 };
            Object.defineProperty(navigator, 'wakeLock', { value: { request: async () => {
              window.__wake.requested++;
              const listeners = [];
              return { released: false, addEventListener: (t, f) => listeners.push(f),
                release: async function () { if (!this.released) { this.released = true; window.__wake.released++; listeners.forEach((f) => f()); } } };
            } } });
            """);
        await SignInAsync(tablet, "therapist", HostUnderTest.DemoPassword);
        await Assertions.Expect(tablet.GetByTestId("user-pill")).ToContainTextAsync("therapist");
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(tablet.GetByTestId("room-title")).ToBeVisibleAsync();
        Assert.Equal(0, await tablet.EvaluateAsync<int>("() => window.__wake.requested"));

        await tablet.GetByTestId("protocol-select").SelectOptionAsync("esketamine-nasal");
        await tablet.GetByTestId("session-label").FillAsync("Tuesday 09:00");
        await tablet.GetByTestId("start-session").ClickAsync();
        await tablet.WaitForFunctionAsync("() => window.__wake.requested === 1 && window.__wake.released === 0");

        await tablet.GetByTestId("end-session").ClickAsync();
        await tablet.GetByTestId("end-session").ClickAsync();
        await tablet.WaitForFunctionAsync("() => window.__wake.released === 1");
        Assert.Equal(1, await tablet.EvaluateAsync<int>("() => window.__wake.requested"));
    }
}
