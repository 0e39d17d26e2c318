using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Storage failing under a running facility, on a real full disk: Lights up still reaches the lights, every screen
/// says it is not saved, other changes are refused in plain words, and everything kept is stored once there is room.
/// </summary>
public sealed class StorageFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task On_a_full_disk_Lights_up_reaches_the_lights_every_screen_says_not_saved_and_it_is_stored_when_the_disk_has_room()
    {
        using var disk = SmallDisk.Mount(megabytes: 48);
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: Path.Combine(disk.Path, "data"));
        await Eventually.TrueAsync(
            async () => (await host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"),
            TimeSpan.FromSeconds(20),
            "room-1 online");
        var started = await host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "full disk" });
        started.EnsureSuccessStatusCode();
        var sessionId = (await started.Content.ReadFromJsonAsync<SessionStarted>())!.SessionId;
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 42, transitionMs = 600_000 })).EnsureSuccessStatusCode();

        await using var browser = await Browser.LaunchAsync();
        var page = await SignedInTabletAsync(browser, host);
        await page.GotoAsync(new Uri(host.BaseUrl, "/#/rooms/room-1").ToString());
        await Assertions.Expect(page.GetByTestId("lights-up-button")).ToBeVisibleAsync();
        var overview = await SignedInTabletAsync(browser, host);
        await Assertions.Expect(overview.GetByTestId("room-card-room-1-lights-up-button")).ToBeVisibleAsync();

        disk.Fill();
        var up = await host.Http.PostAsync("/api/rooms/room-1/lights-up", null);

        // The lights have it, from their own reports, though nothing could be stored.
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var snapshot = (await up.Content.ReadFromJsonAsync<RoomSnapshot>())!;
        Assert.True(snapshot.LightsUp!.Active);
        Assert.Equal(new StorageStatusDto(false, "the disk is full"), snapshot.Storage);
        await Eventually.TrueAsync(
            async () => (await host.GetRoomAsync("room-1")).Devices.Where(d => d.Kind == "light").All(d => d.Actual is { On: true, Brightness: 100, ColorTempK: 4000 }),
            TimeSpan.FromSeconds(20),
            "both lights report full neutral light");

        // Every screen says so at once, in plain words.
        await Assertions.Expect(page.GetByTestId("storage-warning")).ToContainTextAsync("Lights up active — not saved: storage failing");
        await Assertions.Expect(overview.GetByTestId("room-card-room-1-storage")).ToContainTextAsync("Lights up active — not saved: storage failing");
        await Browser.ScreenshotAsync(page, "full-disk-room-page", fullPage: false);

        // Readiness follows the failed write.
        var ready = await host.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var readiness = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not ready", readiness.GetProperty("status").GetString());
        Assert.Contains(readiness.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("storage write failing: the disk is full", StringComparison.Ordinal));

        // Anything else is refused with a plain reason (problem+json 503), and the room stays in Lights up.
        var manual = await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 100 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, manual.StatusCode);
        Assert.Equal("application/problem+json", manual.Content.Headers.ContentType!.MediaType);
        var problem = await manual.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The change was not saved: the disk is full. Nothing was changed.", problem.GetProperty("detail").GetString());

        // A second press is taken and sent to every light again.
        var again = await host.Http.PostAsync("/api/rooms/room-1/lights-up", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        // Room on the disk again: the room stores what it kept, readiness comes back, the warning goes.
        disk.Free();
        await Eventually.TrueAsync(async () => (await host.GetRoomAsync("room-1")).Storage is { Saved: true }, TimeSpan.FromSeconds(20), "the room's state stored");
        await Eventually.TrueAsync(async () => (await host.Http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "ready again");
        await Assertions.Expect(page.GetByTestId("storage-warning")).ToBeHiddenAsync();
        var record = (await host.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;
        var types = record.Events.Select(e => e.Type).ToList();
        output.WriteLine(string.Join(", ", types));
        Assert.Single(types, t => t == "lights-up");
        Assert.Single(types, t => t == "lights-up-resent");
        Assert.DoesNotContain("lights-up-resumed", types);
        Assert.True((await host.GetRoomAsync("room-1")).LightsUp!.Active);
    }

    [Fact]
    public async Task A_read_only_data_directory_stops_the_host_at_start_with_one_plain_line()
    {
        using var disk = SmallDisk.Mount(megabytes: 1, readOnly: true);
        var started = await RefusedStart.RunAsync("on a read-only data directory", disk.Path);

        var all = started.AllOutput;
        var lines = started.ErrorLines;
        output.WriteLine(all);
        Assert.NotEqual(0, started.ExitCode);
        var line = Assert.Single(lines);
        Assert.StartsWith($"SettingControl cannot start: the data directory {disk.Path} is not writable (Read-only file system", line);
        Assert.DoesNotContain("   at ", all);
    }

    /// <summary>A tablet page signed in as the therapist through the form, on the overview once sign-in has finished.</summary>
    private static async Task<IPage> SignedInTabletAsync(Browser browser, HostUnderTest host)
    {
        var page = await browser.NewTabletPageAsync();
        await page.GotoAsync(new Uri(host.BaseUrl, "/#/").ToString());
        await page.GetByTestId("signin-username").FillAsync("therapist");
        await page.GetByTestId("signin-password").FillAsync(HostUnderTest.DemoPassword);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync("therapist");
        return page;
    }

    private sealed record SessionStarted(string SessionId);
}
