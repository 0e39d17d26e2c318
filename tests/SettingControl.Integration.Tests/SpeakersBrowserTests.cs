using System.Net.Http.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>What the therapist reads about the room's speakers: plain words, never a device name or an error code.</summary>
public sealed class SpeakersBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task Speakers_that_cannot_be_opened_are_said_plainly_on_the_room_page_without_device_names_or_error_codes()
    {
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/audio-output", new { kind = "alsa", device = "hw:9,0" })).EnsureSuccessStatusCode();
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/music", new { playlistId = "rest", playing = true })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(
            async () => (await Host.GetRoomAsync("room-1")).Music?.NowPlaying?.OutputState.StartsWith("unavailable", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(20),
            "the room's ALSA output reports unavailable");

        var page = await NewTabletPageAsync();
        await page.GotoAsync(PageUrl("#/rooms/room-1"));
        var speakers = page.GetByTestId("music-output-state");
        await Assertions.Expect(speakers).ToHaveTextAsync("No sound output here — music is not audible; staff can choose an output");
        var text = await page.Locator("body").InnerTextAsync();
        foreach (var technical in new[] { "hw:9,0", "alsa", "errno", "snd_pcm", "unavailable:" })
        {
            Assert.DoesNotContain(technical, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
