using System.Collections.Concurrent;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// What the dashboard costs a tablet on the wire: its files come compressed, and a reload (signing in reloads the
/// page) asks for them again only to hear "not modified".
/// </summary>
public sealed class PageWeightBrowserTests(ITestOutputHelper output) : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task The_page_comes_compressed_and_a_reload_moves_almost_nothing()
    {
        var page = await Browser.NewTabletPageAsync();
        var responses = new ConcurrentQueue<IResponse>();
        page.Response += (_, response) => responses.Enqueue(response);

        await page.GotoAsync(PageUrl("#/"));
        await Assertions.Expect(page.GetByTestId("signin-form")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var (sent, decoded, files) = await WeighAsync(responses);
        output.WriteLine($"first load: {files} files, {sent / 1024.0:0.0} KB on the wire for {decoded / 1024.0:0.0} KB of files");
        Assert.True(files >= 10, $"the page's modules and styles were loaded ({files} files)");
        Assert.True(sent * 2 < decoded, $"compressed: {sent} bytes sent for {decoded} bytes of files");

        responses.Clear();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("signin-form")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var notModified = responses.Count(r => r.Status == 304);
        var (again, _, reloaded) = await WeighAsync(responses);
        output.WriteLine($"reload: {reloaded} files, {again} bytes of bodies on the wire, {notModified} answered 'not modified'");

        // Every file came back as "not modified" or from the browser's own cache (no body on the wire: Chromium keeps
        // the favicon itself); only the page's own document may be sent again.
        var sentAgain = new List<string>();
        foreach (var response in OwnFiles(responses).Where(r => r.Status != 304 && r.Url != PageUrl(string.Empty)))
        {
            if ((await response.Request.SizesAsync()).ResponseBodySize > 0)
            {
                sentAgain.Add($"{response.Status} {response.Url}");
            }
        }

        Assert.True(sentAgain.Count == 0, $"{notModified} of {reloaded} files revalidated as not modified; sent again: {string.Join(", ", sentAgain)}");
        Assert.True(again * 20 < sent, $"a reload moved {again} bytes of bodies against {sent} the first time");
    }

    [Fact]
    public async Task The_sign_in_page_and_signing_in_log_no_error_in_the_tablets_console()
    {
        var page = await Browser.NewTabletPageAsync();
        var failures = new ConcurrentQueue<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failures.Enqueue($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                failures.Enqueue($"console: {message.Text}");
            }
        };

        await SignInAsync(page, "therapist", HostUnderTest.DemoPassword);
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync("therapist");
        await Assertions.Expect(page.GetByTestId("room-card-room-1-phase")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.True(failures.IsEmpty, $"errors on the way to the rooms: {string.Join("; ", failures)}");
    }

    /// <summary>The page's own files: not the API's answers, not the hub.</summary>
    private IEnumerable<IResponse> OwnFiles(IEnumerable<IResponse> responses) =>
        responses.Where(r => r.Url.StartsWith(Host.BaseUrl.ToString(), StringComparison.Ordinal) && !r.Url.Contains("/api/", StringComparison.Ordinal) && !r.Url.Contains("/hubs/", StringComparison.Ordinal));

    /// <summary>Bytes of the page's own files as sent (compressed) and as decoded, and how many files.</summary>
    private async Task<(long Sent, long Decoded, int Files)> WeighAsync(IEnumerable<IResponse> responses)
    {
        long sent = 0, decoded = 0;
        var files = 0;
        foreach (var response in OwnFiles(responses))
        {
            files++;
            sent += (await response.Request.SizesAsync()).ResponseBodySize;
            if (response.Status == 200)
            {
                decoded += (await response.BodyAsync()).Length;
            }
        }

        return (sent, decoded, files);
    }
}
