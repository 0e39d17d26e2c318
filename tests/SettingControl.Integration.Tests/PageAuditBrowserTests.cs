using System.Net.Http.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Every page, at the three sizes the tablet was tried at (a landscape and a portrait tablet, a phone), in day and in
/// night mode: axe-core finds no serious or critical accessibility problem, and a screenshot of each is kept under
/// screenshots/pages/ beside the test binaries for a person to look at.
/// </summary>
public sealed class PageAuditBrowserTests(ITestOutputHelper output) : BrowserTestBase(simulatedRooms: 2)
{
    private static readonly (string Name, ViewportSize Size)[] Sizes =
    [
        ("tablet-landscape", new ViewportSize { Width = 1180, Height = 820 }),
        ("tablet-portrait", new ViewportSize { Width = 820, Height = 1180 }),
        ("phone", new ViewportSize { Width = 390, Height = 844 }),
    ];

    [Fact]
    public async Task Every_page_at_every_size_day_and_night_has_no_serious_accessibility_problem()
    {
        // room-2 runs a session (its reminders, chart and phase clock on screen); room-1 stands idle.
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-2/session", new { protocolId = "esketamine-nasal", label = "Tuesday 09:00" })).EnsureSuccessStatusCode();
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-2/notes", new { text = "Settled, eyes closed" })).EnsureSuccessStatusCode();

        var serious = new List<string>();
        var counts = new List<string>();
        foreach (var (sizeName, size) in Sizes)
        {
            // One tablet per size, signed in once (the sign-in limit counts attempts); each page is audited in day
            // mode, then in night mode through the Night button, then put back to day.
            var page = await Browser.NewTabletPageAsync(size, bypassCsp: true);

            async Task Audit(string pageName, ILocator shown)
            {
                await Assertions.Expect(shown).ToBeVisibleAsync();
                foreach (var theme in new[] { "day", "night" })
                {
                    if (theme == "night")
                    {
                        await page.Locator("#night-toggle").ClickAsync();
                        await Assertions.Expect(page.Locator("html")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("theme-night"));
                    }

                    var findings = await Axe.RunAsync(page);
                    var bad = findings.Where(f => f.IsSeriousOrCritical).ToList();
                    counts.Add($"{pageName} {sizeName} {theme}: {bad.Count} serious or critical, {findings.Count} in all");
                    serious.AddRange(bad.Select(f => $"{pageName} {sizeName} {theme}: {f}"));
                    await ScreenshotAsync(page, $"{pageName}-{sizeName}-{theme}");
                }

                await page.Locator("#night-toggle").ClickAsync();
                await Assertions.Expect(page.Locator("html")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("theme-dark"));
            }

            await page.GotoAsync(PageUrl("#/"));
            await Audit("sign-in", page.GetByTestId("signin-username"));

            await SignInAsync(page, "admin", HostUnderTest.DemoPassword);
            await Audit("overview", page.GetByRole(AriaRole.Link, new() { Name = "Room 2" }));

            await page.GotoAsync(PageUrl("#/rooms/room-1"));
            await Audit("room-idle", page.GetByTestId("start-session"));

            await page.GotoAsync(PageUrl("#/rooms/room-2"));
            await Audit("room-session", page.GetByTestId("phase-name"));

            await page.GotoAsync(PageUrl("#/staff"));
            await Audit("staff-console", page.GetByTestId("protocol-list"));
            await page.Context.CloseAsync();
        }

        foreach (var line in counts)
        {
            output.WriteLine(line);
        }

        Assert.True(serious.Count == 0, $"{serious.Count} serious or critical accessibility findings:\n{string.Join('\n', serious.Distinct())}");
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots", "pages");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }
}
