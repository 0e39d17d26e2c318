using Microsoft.Playwright;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright. Never a downloaded browser: the path is fixed, and a
/// missing browser fails the test (test.sh installs it) rather than skipping it.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        _playwright = playwright;
        Chromium = chromium;
    }

    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh, which installs Debian's chromium.");
        }

        var playwright = await Playwright.CreateAsync();
        var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--no-first-run"],
        });
        return new Browser(playwright, chromium);
    }

    /// <summary>A tablet-sized page (or one of <paramref name="viewport"/>) in its own context (its own cookies, its own SignalR connection).</summary>
    /// <remarks>
    /// <paramref name="bypassCsp"/>: only for a test that injects a checker (axe-core) into the page; the page's own
    /// Content-Security-Policy would refuse the injected script, as it should for anything else.
    /// </remarks>
    public async Task<IPage> NewTabletPageAsync(ViewportSize? viewport = null, bool bypassCsp = false)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = viewport ?? new ViewportSize { Width = 1024, Height = 768 },
            BypassCSP = bypassCsp,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Saves a screenshot next to the test results so a person can look at what the test saw.</summary>
    /// <remarks><paramref name="fullPage"/> false: only what is on screen, as the person holding the tablet sees it.</remarks>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = fullPage });
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}
