using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Lights up from a tablet as a therapist uses it in a dim room (issue 11, H2 and H3): at hand from any scroll
/// position and from the overview, and through a link that dies silently: "not connected" within the client's
/// timeout, a full-width NOT CONFIRMED while the room has not acknowledged it, sent again when the link is back.
/// </summary>
public sealed class LightsUpBrowserTests() : BrowserTestBase(simulatedRooms: 2)
{
    private static readonly TimeSpan DeviceWait = TimeSpan.FromSeconds(15);

    /// <summary>What the SignalR client says about its own failures; none of it may reach the therapist's screen.</summary>
    private const string WatchForLibraryText = """
        () => {
          const raw = /Server timeout|Error:|WebSocket/;
          window.__libraryTextSeen = [];
          const check = () => {
            const match = document.body.innerText.match(raw);
            if (match) window.__libraryTextSeen.push(match[0]);
          };
          new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
          check();
        }
        """;

    [Theory]
    [InlineData(1180, 820)] // tablet, landscape
    [InlineData(820, 1180)] // tablet, portrait
    [InlineData(390, 844)] // phone
    public async Task Lights_up_stays_in_view_at_the_bottom_of_the_room_page_and_brings_the_room_to_full_light(int width, int height)
    {
        var page = await NewTabletPageAsync(viewport: new ViewportSize { Width = width, Height = height });
        await page.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(page.GetByTestId("connection-status")).ToHaveTextAsync("connected");
        await Assertions.Expect(page.GetByTestId("device-room-1-light-2-availability")).ToHaveTextAsync("online");

        // To the very end of the page, where the therapist is when adjusting the mask or reading the chart.
        await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight)");
        await Eventually.TrueAsync(
            () => page.EvaluateAsync<bool>("() => window.scrollY > 0 && Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 1"),
            TimeSpan.FromSeconds(10),
            "the page scrolled to its bottom");

        var button = page.GetByTestId("lights-up-button");
        await Assertions.Expect(button).ToBeInViewportAsync(new() { Ratio = 1 });
        var overlap = await page.EvaluateAsync<double>(
            "() => document.querySelector('.room-content').getBoundingClientRect().bottom - document.querySelector('[data-testid=lights-up-dock]').getBoundingClientRect().top");
        Assert.True(overlap <= 0.5, $"the Lights up dock covers the last {overlap:0} px of the page's controls");

        await HoldAsync(page, button);

        await Eventually.TrueAsync(async () => (await Host.GetRoomAsync("room-1")).LightsUp?.Active == true, DeviceWait, "room-1 reports Lights up");
        foreach (var light in new[] { "room-1-light-1", "room-1-light-2" })
        {
            Assert.True(await Host.SimulatedDevices![light].WaitUntilAsync(s => s.Brightness == 100, DeviceWait), $"{light} reached 100 %");
        }

        await Assertions.Expect(page.GetByTestId("lights-up-status")).ToHaveTextAsync("Lights up confirmed · 2/2 lights at 100 %");
        await Assertions.Expect(button).ToBeInViewportAsync(new() { Ratio = 1 });
        await Infrastructure.Browser.ScreenshotAsync(page, $"lights-up-dock-{width}x{height}", fullPage: false);
    }

    [Fact]
    public async Task Holding_Lights_up_on_a_room_card_of_the_overview_lights_up_that_room()
    {
        var page = await NewTabletPageAsync();
        await page.GotoAsync(PageUrl("#/"));
        await Assertions.Expect(page.GetByTestId("connection-status")).ToHaveTextAsync("connected");
        await Assertions.Expect(page.GetByTestId("room-card-room-2-health")).ToContainTextAsync("3/3 online");

        await HoldAsync(page, page.GetByTestId("room-card-room-2-lights-up-button"));

        await Eventually.TrueAsync(async () => (await Host.GetRoomAsync("room-2")).LightsUp?.Active == true, DeviceWait, "room-2 reports Lights up");
        foreach (var light in new[] { "room-2-light-1", "room-2-light-2" })
        {
            Assert.True(await Host.SimulatedDevices![light].WaitUntilAsync(s => s.Brightness == 100, DeviceWait), $"{light} reached 100 %");
        }

        await Assertions.Expect(page.GetByTestId("room-card-room-2-lights-up-status")).ToHaveTextAsync("Lights up confirmed · 2/2 lights at 100 %");
        await Assertions.Expect(page.GetByTestId("room-card-room-2-lights-up")).ToBeVisibleAsync();
        Assert.NotEqual(true, (await Host.GetRoomAsync("room-1")).LightsUp?.Active);
        Assert.EndsWith("#/", page.Url); // holding the card's button does not open the room
        await Infrastructure.Browser.ScreenshotAsync(page, "lights-up-overview-card");
    }

    [Fact]
    public async Task A_silently_dead_link_says_not_connected_and_a_Lights_up_held_then_is_sent_again_when_the_link_is_back()
    {
        await using var link = new FreezableTcpProxy(Host.BaseUrl.Port);
        var (page, connection, viaLink) = await RoomPageThroughAsync(link);

        // The Wi-Fi stays up and carries nothing: no close, no reset. The page must find out by itself.
        link.Freeze();
        await Assertions.Expect(connection).ToHaveTextAsync("not connected", new() { Timeout = 10_000 });

        await HoldAsync(page, page.GetByTestId("lights-up-button"));

        var unconfirmed = page.GetByTestId("lights-up-unconfirmed-room-1");
        await Assertions.Expect(unconfirmed).ToContainTextAsync("LIGHTS UP NOT CONFIRMED");
        await Assertions.Expect(unconfirmed).ToContainTextAsync("Use the room's wall switch.");
        await Assertions.Expect(page.GetByTestId("lights-up-cancel-room-1")).ToBeVisibleAsync();
        Assert.NotEqual(true, (await Host.GetRoomAsync("room-1")).LightsUp?.Active);
        await Infrastructure.Browser.ScreenshotAsync(page, "lights-up-not-confirmed");

        link.Thaw();

        await Assertions.Expect(connection).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("lights-up-status")).ToHaveTextAsync("Lights up confirmed · 2/2 lights at 100 %", new() { Timeout = 30_000 });
        await Assertions.Expect(unconfirmed).ToHaveCountAsync(0);
        Assert.True((await Host.GetRoomAsync("room-1")).LightsUp?.Active);
        foreach (var light in new[] { "room-1-light-1", "room-1-light-2" })
        {
            Assert.True(await Host.SimulatedDevices![light].WaitUntilAsync(s => s.Brightness == 100, DeviceWait), $"{light} reached 100 %");
        }

        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__libraryTextSeen"));
        await Assertions.Expect(page.GetByTestId("error-banner")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_Lights_up_held_while_the_page_still_says_connected_on_a_dead_link_becomes_NOT_CONFIRMED_and_is_sent_when_the_link_is_back()
    {
        await using var link = new FreezableTcpProxy(Host.BaseUrl.Port);
        var (page, connection, viaLink) = await RoomPageThroughAsync(link);

        // The press comes before the page can know: nothing has been missed yet, so it still says "connected".
        link.Freeze();
        await HoldAsync(page, page.GetByTestId("lights-up-button"));

        // The room never acknowledges it, so the tablet says so, loudly, whatever the link indicator said.
        var unconfirmed = page.GetByTestId("lights-up-unconfirmed-room-1");
        await Assertions.Expect(unconfirmed).ToContainTextAsync("LIGHTS UP NOT CONFIRMED", new() { Timeout = 10_000 });
        await Assertions.Expect(unconfirmed).ToContainTextAsync("Use the room's wall switch.");
        Assert.NotEqual(true, (await Host.GetRoomAsync("room-1")).LightsUp?.Active);

        link.Thaw();
        await Assertions.Expect(page.GetByTestId("lights-up-status")).ToHaveTextAsync("Lights up confirmed · 2/2 lights at 100 %", new() { Timeout = 30_000 });
        await Assertions.Expect(unconfirmed).ToHaveCountAsync(0);
        Assert.True((await Host.GetRoomAsync("room-1")).LightsUp?.Active);
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__libraryTextSeen"));
    }

    [Fact]
    public async Task A_link_that_dies_while_the_room_page_is_still_loading_leaves_the_page_working_and_saying_not_connected()
    {
        // The overview is loaded and connected; the link dies just as the therapist opens the room, so the room page's
        // first requests (its playlists among them) are never answered. The page once spun on those failures without
        // end: frozen, still saying "connected", with a Lights up button that did nothing.
        await using var link = new FreezableTcpProxy(Host.BaseUrl.Port);
        var viaLink = new Uri($"http://127.0.0.1:{link.Port}/");
        var page = await NewTabletPageAsync(baseUrl: viaLink);
        var connection = page.GetByTestId("connection-status");
        await Assertions.Expect(connection).ToHaveTextAsync("connected");
        await Assertions.Expect(page.GetByTestId("room-card-room-1-health")).ToContainTextAsync("3/3 online");

        link.Freeze();
        await page.GetByTestId("room-card-room-1").Locator("a.card-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lights-up-button")).ToBeVisibleAsync();
        await Assertions.Expect(connection).ToHaveTextAsync("not connected", new() { Timeout = 10_000 });

        await HoldAsync(page, page.GetByTestId("lights-up-button"));
        await Assertions.Expect(page.GetByTestId("lights-up-unconfirmed-room-1")).ToContainTextAsync("LIGHTS UP NOT CONFIRMED");

        link.Thaw();
        await Assertions.Expect(connection).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("lights-up-status")).ToHaveTextAsync("Lights up confirmed · 2/2 lights at 100 %", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("music-playlist-select").Locator("option", new() { HasText = "Choose a playlist…" })).ToHaveCountAsync(1, new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task Cancelling_a_Lights_up_that_was_not_confirmed_stops_it_being_sent_when_the_link_is_back()
    {
        await using var link = new FreezableTcpProxy(Host.BaseUrl.Port);
        var (page, connection, viaLink) = await RoomPageThroughAsync(link);

        link.Freeze();
        await Assertions.Expect(connection).ToHaveTextAsync("not connected", new() { Timeout = 10_000 });
        await HoldAsync(page, page.GetByTestId("lights-up-button"));
        await Assertions.Expect(page.GetByTestId("lights-up-unconfirmed-room-1")).ToBeVisibleAsync();

        await page.GetByTestId("lights-up-cancel-room-1").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lights-up-unconfirmed-room-1")).ToHaveCountAsync(0);

        link.Thaw();
        await Assertions.Expect(connection).ToHaveTextAsync("connected", new() { Timeout = 30_000 });

        // A held Lights up goes first on a new connection, and the hub answers a connection's calls in order: once
        // a change made after the link came back has landed, a re-sent Lights up would have landed before it.
        var slider = page.GetByTestId("brightness-slider");
        await Assertions.Expect(slider).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("transition-select").SelectOptionAsync(new SelectOptionValue { Label = "Instant" });
        await slider.FillAsync("25");
        await Eventually.TrueAsync(async () => (await Host.GetRoomAsync("room-1")).Desired.Lighting.Brightness == 25, DeviceWait, "the change made after recovery landed");

        Assert.NotEqual(true, (await Host.GetRoomAsync("room-1")).LightsUp?.Active);
        await Assertions.Expect(page.GetByTestId("lights-up-banner")).ToHaveCountAsync(0);
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__libraryTextSeen"));
    }

    /// <summary>
    /// Room 1's page loaded through <paramref name="link"/>, connected, showing the room's live state (it came over the
    /// hub), and watching for library text: where every dead-link test starts.
    /// </summary>
    private async Task<(IPage Page, ILocator Connection, Uri ViaLink)> RoomPageThroughAsync(FreezableTcpProxy link)
    {
        var viaLink = new Uri($"http://127.0.0.1:{link.Port}/");
        var page = await Browser.NewTabletPageAsync(viewport: null);
        var hubSockets = 0;
        page.WebSocket += (_, socket) =>
        {
            if (socket.Url.Contains("/hubs/rooms", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref hubSockets);
            }
        };
        await SignInAsync(page, "therapist", HostUnderTest.DemoPassword, viaLink);
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync("therapist");
        await page.GotoAsync(PageUrl("#/rooms/room-1", viaLink));
        var connection = page.GetByTestId("connection-status");
        await Assertions.Expect(connection).ToHaveTextAsync("connected");

        // The hub link is a WebSocket, the one transport with a server timeout: only then can a dead link be noticed.
        Assert.Equal(1, Volatile.Read(ref hubSockets));
        await Assertions.Expect(page.GetByTestId("device-room-1-light-1-availability")).ToHaveTextAsync("online");
        await page.EvaluateAsync(WatchForLibraryText);
        return (page, connection, viaLink);
    }

    /// <summary>Press and hold as a finger does, until the button reports that the hold went off, then let go.</summary>
    private static async Task HoldAsync(IPage page, ILocator button)
    {
        var firedBefore = int.Parse(await button.GetAttributeAsync("data-fired") ?? "0");
        await button.HoverAsync();
        await page.Mouse.DownAsync();
        await Assertions.Expect(button).ToHaveAttributeAsync("data-fired", (firedBefore + 1).ToString(), new() { Timeout = 10_000 });
        await page.Mouse.UpAsync();
    }
}
