using Microsoft.Playwright;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// A host with simulated rooms whose devices are all online, and Debian's Chromium: what every browser
/// test starts from.
/// </summary>
public abstract class BrowserTestBase(int simulatedRooms) : IAsyncLifetime
{
    protected HostUnderTest Host { get; private set; } = null!;

    protected Browser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await HostUnderTest.StartAsync(simulatedRooms);
        await Eventually.TrueAsync(
            async () => (await Host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"),
            TimeSpan.FromSeconds(20),
            "room-1 online");
        Browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Host.DisposeAsync();
    }

    /// <summary>The page at <paramref name="hashRoute"/>, from the host or from <paramref name="baseUrl"/> (a proxy in front of it).</summary>
    protected string PageUrl(string hashRoute, Uri? baseUrl = null) => new Uri(baseUrl ?? Host.BaseUrl, "/" + hashRoute).ToString();

    /// <summary>
    /// A tablet-sized page of its own (or one of <paramref name="viewport"/>), signed in through the sign-in form as a
    /// demo account; loaded from <paramref name="baseUrl"/> when given, so everything it sends goes that way.
    /// </summary>
    protected async Task<IPage> NewTabletPageAsync(string username = "therapist", ViewportSize? viewport = null, Uri? baseUrl = null)
    {
        var page = await Browser.NewTabletPageAsync(viewport);
        await SignInAsync(page, username, HostUnderTest.DemoPassword, baseUrl);
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync(username);
        return page;
    }

    /// <summary>
    /// Signs in and waits for the page to come back signed in: a sign-in reloads the page, and a navigation started
    /// before that reload is lost to it (the reload puts the page back where it was when the sign-in was sent).
    /// </summary>
    protected async Task SignInAndWaitAsync(IPage page, string username, string password)
    {
        await SignInAsync(page, username, password);
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync(username);
    }

    protected async Task SignInAsync(IPage page, string username, string password, Uri? baseUrl = null)
    {
        await page.GotoAsync(PageUrl("#/", baseUrl));
        await page.GetByTestId("signin-username").FillAsync(username);
        await page.GetByTestId("signin-password").FillAsync(password);
        await page.GetByTestId("signin-submit").ClickAsync();
    }
}
