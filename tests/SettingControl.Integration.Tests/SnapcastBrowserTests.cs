using System.Net.Http.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Staff put a room on network speakers in the console (a real snapserver, the console's generated stream lines), and
/// the therapist's page says at once, in plain words, when the room's speaker drops.
/// </summary>
public sealed class SnapcastBrowserTests() : BrowserTestBase(simulatedRooms: 1), IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("settingcontrol-snapcast-browser-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Staff_choose_snapcast_in_the_console_and_a_dropped_speaker_is_said_plainly_on_the_room_page()
    {
        var streamPort = FreePorts.Next();
        var line = $"source = tcp://127.0.0.1:{streamPort}?name=room-1&mode=server&sampleformat=48000:16:2";
        await using var server = await SnapcastServer.StartAsync(_directory, line);

        var staff = await NewTabletPageAsync("staff", new ViewportSize { Width = 1400, Height = 900 });
        await staff.GotoAsync(PageUrl("#/staff"));
        await staff.GetByTestId("room-output-kind-room-1").SelectOptionAsync("snapcast");
        await staff.GetByTestId("room-snapcast-server-room-1").FillAsync("127.0.0.1");
        await Assertions.Expect(staff.GetByTestId("room-snapcast-stream-room-1")).ToHaveValueAsync("room-1");
        await staff.GetByTestId("room-snapcast-control-port-room-1").FillAsync(server.ControlPort.ToString());
        await staff.GetByTestId("room-snapcast-stream-port-room-1").FillAsync(streamPort.ToString());
        await staff.GetByTestId("room-save-room-1").ClickAsync();
        await Eventually.TrueAsync(
            async () => (await Host.Http.GetStringAsync("/api/rooms/room-1/audio-output")).Contains($"\"streamPort\":{streamPort}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15),
            "the snapcast output saved from the console");

        // The lines for snapserver.conf, as the console shows them: the one the server above was started with.
        await staff.GetByTestId("snapcast-stream-lines-button").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("snapcast-stream-lines")).ToContainTextAsync(line);

        await using var speaker = SnapclientProcess.Start(server.ClientPort, "room-1.ceiling", Path.Combine(_directory, "room-1.pcm"));
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/music", new { playlistId = "rest", playing = true })).EnsureSuccessStatusCode();

        var tablet = await NewTabletPageAsync();
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        var speakers = tablet.GetByTestId("music-output-state");
        await Assertions.Expect(speakers).ToHaveTextAsync("Playing to the room's speakers", new() { Timeout = 60_000 });

        speaker.Kill();
        await Assertions.Expect(speakers).ToHaveTextAsync("The room's speakers are not connected — music is not audible; staff can check them", new() { Timeout = 60_000 });
        var text = await tablet.Locator("body").InnerTextAsync();
        foreach (var technical in new[] { "snapcast", "127.0.0.1", "ceiling", "unavailable:", streamPort.ToString() })
        {
            Assert.DoesNotContain(technical, text, StringComparison.OrdinalIgnoreCase);
        }

        // Staff see which speaker it is.
        await staff.ReloadAsync();
        await Assertions.Expect(staff.GetByTestId("room-speakers-room-1")).ToHaveTextAsync("Speakers: room-1.ceiling (not connected)", new() { Timeout = 30_000 });
    }
}
