using System.Net.Http.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Staff put a room on network speakers in the console (a real snapserver, the console's generated stream lines), and
/// the therapist's page lists the room's speakers like devices and says at once, in plain words, when one drops.
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

        await using var ceiling = SnapclientProcess.Start(server.ClientPort, "room-1.ceiling", Path.Combine(_directory, "room-1-ceiling.pcm"));
        await using var door = SnapclientProcess.Start(server.ClientPort, "room-1.door", Path.Combine(_directory, "room-1-door.pcm"));
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/music", new { playlistId = "rest", playing = true })).EnsureSuccessStatusCode();

        var tablet = await NewTabletPageAsync();
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        var speakers = tablet.GetByTestId("music-output-state");
        var listed = tablet.GetByTestId("music-speaker");
        await Assertions.Expect(speakers).ToHaveTextAsync("Playing to the room's speakers", new() { Timeout = 60_000 });
        await Assertions.Expect(listed).ToHaveTextAsync(["Ceiling speakerconnected", "Door speakerconnected"], new() { Timeout = 60_000 });

        // One of two drops: the room still plays through the other, and its page lists the one that dropped like a device.
        ceiling.Kill();
        await Assertions.Expect(listed).ToHaveTextAsync(["Ceiling speakernot connected", "Door speakerconnected"], new() { Timeout = 60_000 });
        await Assertions.Expect(speakers).ToHaveTextAsync("Playing to the room's speakers");

        door.Kill();
        await Assertions.Expect(speakers).ToHaveTextAsync("The room's speakers are not connected — music is not audible; staff can check them", new() { Timeout = 60_000 });
        await Assertions.Expect(listed).ToHaveTextAsync(["Ceiling speakernot connected", "Door speakernot connected"]);
        var text = await tablet.Locator("body").InnerTextAsync();
        foreach (var technical in new[] { "snapcast", "127.0.0.1", "room-1.ceiling", "room-1.door", "unavailable:", streamPort.ToString() })
        {
            Assert.DoesNotContain(technical, text, StringComparison.OrdinalIgnoreCase);
        }

        // Staff see which speaker it is.
        await staff.ReloadAsync();
        await Assertions.Expect(staff.GetByTestId("room-speakers-room-1")).ToHaveTextAsync("Speakers: room-1.ceiling (not connected), room-1.door (not connected)", new() { Timeout = 30_000 });
    }
}
