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
        Assert.True(notModified >= files - 1, $"{notModified} of {reloaded} files revalidated as not modified");
        Assert.True(again * 20 < sent, $"a reload moved {again} bytes of bodies against {sent} the first time");
    }

    /// <summary>Bytes of the page's own files as sent (compressed) and as decoded, and how many files.</summary>
    private async Task<(long Sent, long Decoded, int Files)> WeighAsync(IEnumerable<IResponse> responses)
    {
        long sent = 0, decoded = 0;
        var files = 0;
        foreach (var response in responses.Where(r => r.Url.StartsWith(Host.BaseUrl.ToString(), StringComparison.Ordinal) && !r.Url.Contains("/api/", StringComparison.Ordinal) && !r.Url.Contains("/hubs/", StringComparison.Ordinal)))
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
