using System.Net;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// What a therapist's tablet does when the controller restarts or its sign-in ends: a restart keeps it signed in (the
/// demo password and accounts are kept in the data directory); a sign-in withdrawn elsewhere brings the sign-in form
/// up over the room page, which stays visible behind it, saying in plain words what happened and what it means.
/// </summary>
public sealed class SignedOutBrowserTests : IAsyncLifetime
{
    private readonly string _dataDirectory = HostUnderTest.NewDataDirectory();
    private readonly int _mqttPort = FreePorts.Next();
    private readonly int _httpPort = FreePorts.Next();

    // No Demo:Password: the host makes one and keeps it, as on a newcomer's first run.
    private readonly Dictionary<string, string> _settings = new() { ["Demo:Password"] = string.Empty };
    private HostUnderTest _host = null!;
    private Browser _browser = null!;

    public async Task InitializeAsync()
    {
        _host = await StartHostAsync();
        _browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _host.DisposeAsync();
    }

    private Task<HostUnderTest> StartHostAsync() =>
        HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: _dataDirectory, mqttPort: _mqttPort, extra: _settings, httpPort: _httpPort);

    /// <summary>The pill says exactly "connected" (not "not connected").</summary>
    private static readonly System.Text.RegularExpressions.Regex Connected = new("^\\s*connected\\s*$");

    private string DemoPassword => File.ReadAllText(Path.Combine(_dataDirectory, "demo-password")).Trim();

    [Fact]
    public async Task A_restart_keeps_the_tablet_signed_in_and_a_withdrawn_sign_in_puts_the_form_over_the_room()
    {
        var password = DemoPassword;
        var page = await _browser.NewTabletPageAsync();
        await SignInAsync(page, password);
        await page.GotoAsync(new Uri(_host.BaseUrl, "/#/rooms/room-1").ToString());
        await Assertions.Expect(page.GetByTestId("room-title")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("connection-status")).ToHaveTextAsync(Connected);

        // The controller restarts: same password, and the tablet reconnects still signed in.
        await _host.DisposeAsync();
        await Assertions.Expect(page.GetByTestId("connection-status")).ToContainTextAsync("not connected");
        _host = await StartHostAsync();
        Assert.Equal(password, DemoPassword);
        await Assertions.Expect(page.GetByTestId("connection-status")).ToHaveTextAsync(Connected, new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("signed-out")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync("therapist");

        // The same sign-in is ended from elsewhere (its cookie signed out): the form comes up over the room.
        var cookies = await page.Context.CookiesAsync();
        using var elsewhere = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _host.BaseUrl };
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-out");
        signOut.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        Assert.Equal(HttpStatusCode.NoContent, (await elsewhere.SendAsync(signOut)).StatusCode);

        var overlay = page.GetByTestId("signed-out");
        await Assertions.Expect(overlay).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("signed-out-why")).ToContainTextAsync("The room is unchanged");
        await Assertions.Expect(page.GetByTestId("room-title")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "signed-out-over-room", fullPage: false);

        await page.GetByTestId("signin-username").FillAsync("therapist");
        await page.GetByTestId("signin-password").FillAsync(password);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-out")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("room-title")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("connection-status")).ToHaveTextAsync(Connected);
    }

    private async Task SignInAsync(IPage page, string password)
    {
        await page.GotoAsync(new Uri(_host.BaseUrl, "/#/").ToString());
        await page.GetByTestId("signin-username").FillAsync("therapist");
        await page.GetByTestId("signin-password").FillAsync(password);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync("therapist");
    }
}
