using System.Net;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// What the host does for its data and its pages whatever the caller (issue 11: L5, L6): the data directory
/// is the host user's alone, and every response tells the browser what the page may load and run.
/// </summary>
public sealed class HostHardeningTests
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_directory_is_the_host_users_alone_from_the_first_start_and_an_older_open_install_is_closed_at_start()
    {
        var dataDirectory = HostUnderTest.NewDataDirectory();
        await using (var fresh = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: dataDirectory))
        {
            using var signedIn = await fresh.SignInAsync("therapist");
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(dataDirectory, "settingcontrol.db-wal")), TimeSpan.FromSeconds(20), "the database's WAL file");
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dataDirectory));
            foreach (var name in new[] { "settingcontrol.db", "settingcontrol.db-wal", "settingcontrol.db-shm", "mqtt-controller.json" })
            {
                Assert.Equal((name, OwnerOnlyFile), (name, File.GetUnixFileMode(Path.Combine(dataDirectory, name))));
            }
        }

        // As an install from before this change left it: everything readable by everyone.
        foreach (var entry in new DirectoryInfo(dataDirectory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Append(new DirectoryInfo(dataDirectory)))
        {
            File.SetUnixFileMode(entry.FullName, entry is DirectoryInfo
                ? OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        await using var restarted = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: dataDirectory);
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(dataDirectory, "settingcontrol.db-wal")), TimeSpan.FromSeconds(20), "the database's WAL file");
        var open = new DirectoryInfo(dataDirectory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Append(new DirectoryInfo(dataDirectory))
            .Where(e => File.GetUnixFileMode(e.FullName) != (e is DirectoryInfo ? OwnerOnlyDirectory : OwnerOnlyFile))
            .Select(e => $"{Path.GetRelativePath(dataDirectory, e.FullName)} {File.GetUnixFileMode(e.FullName)}")
            .ToList();
        Assert.Empty(open);
        Assert.Contains(new DirectoryInfo(dataDirectory).EnumerateFiles("*", SearchOption.AllDirectories), f => f.Name == "settingcontrol.db-shm");
        Assert.Contains(new DirectoryInfo(dataDirectory).EnumerateFiles("*.xml", SearchOption.AllDirectories), f => f.Directory!.Name == "keys");
    }

    [Fact]
    public async Task Every_response_says_what_the_page_may_load_and_that_it_may_not_be_framed()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 0);
        using var anonymous = host.NewClient();
        foreach (var (client, path, status) in new[]
                 {
                     (anonymous, "/", HttpStatusCode.OK),
                     (anonymous, "/app.js", HttpStatusCode.OK),
                     (anonymous, "/healthz", HttpStatusCode.OK),
                     (anonymous, "/api/rooms", HttpStatusCode.Unauthorized),
                     (host.Http, "/no-such-page", HttpStatusCode.NotFound),
                 })
        {
            var response = await client.GetAsync(path);
            Assert.Equal((path, status), (path, response.StatusCode));
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            foreach (var directive in new[] { "default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'" })
            {
                Assert.Contains(directive, csp);
            }

            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }
    }
}

/// <summary>The pages under the Content-Security-Policy: everything works, and Chromium reports no violation.</summary>
public sealed class ContentSecurityPolicyBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task The_room_page_a_session_timeline_and_the_staff_console_run_under_the_policy_without_a_violation()
    {
        var page = await NewTabletPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        await page.GotoAsync(PageUrl("#/rooms/room-1"));
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("connection-status")).ToContainTextAsync("connected");
        await Assertions.Expect(page.GetByTestId("brightness-target")).ToHaveTextAsync("40%");

        // The session timeline sizes its phases with inline styles, which the policy allows only through the CSSOM.
        await page.GetByTestId("protocol-select").SelectOptionAsync("esketamine-nasal");
        await page.GetByTestId("session-label").FillAsync("Tuesday 09:00");
        await page.GetByTestId("start-session").ClickAsync();
        await Assertions.Expect(page.GetByTestId("phase-name")).ToHaveTextAsync("Preparation and intention");
        var firstPhase = page.Locator("[data-testid^='timeline-phase-']").First;
        Assert.NotEqual("0", await firstPhase.EvaluateAsync<string>("el => getComputedStyle(el).flexGrow"));

        var staff = await NewTabletPageAsync("staff");
        staff.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        await staff.GotoAsync(PageUrl("#/staff"));
        await staff.ReloadAsync();
        await Assertions.Expect(staff.GetByTestId("user-pill")).ToContainTextAsync("staff");
        await Assertions.Expect(staff.GetByTestId("staff-rooms")).ToBeVisibleAsync();

        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
