using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using SettingControl.Host.Services;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The dashboard hears a room as patches (only what changed) rather than the whole snapshot at every change. What it
/// shows must be exactly what the whole snapshots would have shown, and a patch lost on the way must never leave a
/// wrong value on the screen.
/// </summary>
public sealed class RoomPatchesBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task The_host_and_the_page_agree_on_every_kind_of_change()
    {
        // Pairs as the host sends them, turned into patches by the host's code and applied by the page's.
        JsonNode?[][] pairs =
        [
            [Json("""{"a":1,"b":{"c":"x","d":[1,2,3]}}"""), Json("""{"a":1,"b":{"c":"y","d":[1,5,3]}}""")],
            [Json("""{"list":[{"id":"a","v":1},{"id":"b","v":2}]}"""), Json("""{"list":[{"id":"a","v":1}]}""")],
            [Json("""{"list":[]}"""), Json("""{"list":[{"id":"a","v":[1,[2,3]]}]}""")],
            [Json("""{"m":[[1,2],[3,4]]}"""), Json("""{"m":[[1,2],[3,9]]}""")],
            [Json("""{"session":null}"""), Json("""{"session":{"phase":"Peak","reminders":[{"id":"r1"}]}}""")],
            [Json("""{"session":{"phase":"Peak"},"x":true}"""), Json("""{"session":null,"x":false}""")],
            [Json("""{"gone":1,"kept":2}"""), Json("""{"gone":null,"kept":2,"new":{"deep":{"er":null}}}""")],
            [Json("""{"text":"a \"quoted\" $items"}"""), Json("""{"text":"line\nbreak ✓"}""")],
            [Json("""{"n":1.5,"s":"1.5"}"""), Json("""{"n":"1.5","s":1.5}""")],
        ];
        await using var rooms = await Host.ConnectHubAsync();
        var before = (await rooms.InvokeAsync<JsonElement>("JoinRoom", "room-1")).GetRawText();
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "Tuesday 09:00" })).EnsureSuccessStatusCode();
        var after = (await rooms.InvokeAsync<JsonElement>("JoinRoom", "room-1")).GetRawText();
        pairs = [.. pairs, [Json(before), Json(after)], [Json(after), Json(before)]];

        var page = await NewTabletPageAsync();
        foreach (var pair in pairs)
        {
            Assert.True(SnapshotPatch.TryDiff(pair[0], pair[1], out var patch));
            var applied = await page.EvaluateAsync<string>(
                "async ([base, patch]) => JSON.stringify((await import('/lib/patch.js')).applyPatch(JSON.parse(base), JSON.parse(patch)))",
                new[] { pair[0]!.ToJsonString(), patch?.ToJsonString() ?? "null" });
            Assert.True(JsonNode.DeepEquals(pair[1], Json(applied)), $"{pair[0]!.ToJsonString()} patched by {patch?.ToJsonString()} gave {applied}");
        }

        Assert.False(SnapshotPatch.TryDiff(Json(after), Json(after), out _));
        Assert.True(SnapshotPatch.TryDiff(Json(before), Json(after), out var sessionStarted));
        Assert.True(sessionStarted!.ToJsonString().Length < after.Length, "a patch is smaller than the snapshot it makes");
    }

    [Fact]
    public async Task A_tablet_shows_what_the_whole_snapshots_say_while_hearing_only_patches()
    {
        await using var whole = await Host.ConnectHubAsync();
        var lastWhole = (string?)null;
        whole.On<JsonElement>("RoomChanged", s => Volatile.Write(ref lastWhole, s.GetRawText()));
        await whole.InvokeAsync<JsonElement>("JoinRoom", "room-1");

        var tablet = await Browser.NewTabletPageAsync();
        var pushes = new List<string>();
        tablet.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            foreach (var message in (frame.Text ?? string.Empty).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (message.Contains("\"type\":1", StringComparison.Ordinal))
                {
                    lock (pushes)
                    {
                        pushes.Add(message);
                    }
                }
            }
        };
        await SignInAndWaitAsync(tablet, "therapist", HostUnderTest.DemoPassword);
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(tablet.GetByTestId("connection-status")).ToHaveTextAsync("connected");

        // Every kind of change a room goes through: a session, the lights, the mask, notes, reminders, a phase jump.
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "Tuesday 09:00" })).EnsureSuccessStatusCode();
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 27, transitionMs = 0 })).EnsureSuccessStatusCode();
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/mask", new { on = true, light = 15 })).EnsureSuccessStatusCode();
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = "Settled, eyes closed" })).EnsureSuccessStatusCode();
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/reminders", new { title = "Check breathing", priority = "medium", dueInMinutes = 0 })).EnsureSuccessStatusCode();
        var session = (await Host.GetRoomAsync("room-1")).Session!;
        (await Host.Http.PostAsJsonAsync($"/api/rooms/room-1/reminders/{session.Reminders[0].Id}/acknowledge", new { })).EnsureSuccessStatusCode();
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/session/jump", new { phase = session.Phases[^1].Id })).EnsureSuccessStatusCode();

        await Assertions.Expect(tablet.GetByTestId("brightness-target")).ToHaveTextAsync($"{(await Host.GetRoomAsync("room-1")).Desired.Lighting.Brightness}%");
        await Eventually.TrueAsync(
            async () => JsonNode.DeepEquals(Json(Volatile.Read(ref lastWhole)), Json(await ShownAsync(tablet, "room-1"))),
            TimeSpan.FromSeconds(15),
            "the tablet's room equals the last whole snapshot");

        string[] heard;
        lock (pushes)
        {
            heard = [.. pushes];
        }

        Assert.NotEmpty(heard);
        Assert.All(heard, m => Assert.Contains("\"target\":\"RoomPatched\"", m));
    }

    [Fact]
    public async Task A_lost_patch_is_made_good_by_reading_the_room_again()
    {
        var tablet = await Browser.NewTabletPageAsync();
        var dropping = false;
        var dropped = 0;
        await tablet.RouteWebSocketAsync("**/hubs/rooms**", page =>
        {
            var host = page.ConnectToServer();
            page.OnMessage(frame => host.Send(frame.Text ?? string.Empty));
            host.OnMessage(frame =>
            {
                var messages = (frame.Text ?? string.Empty).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
                var kept = messages.Where(m => !(Volatile.Read(ref dropping) && m.Contains("\"target\":\"RoomPatched\"", StringComparison.Ordinal))).ToArray();
                Interlocked.Add(ref dropped, messages.Length - kept.Length);
                if (kept.Length > 0)
                {
                    page.Send(string.Concat(kept.Select(m => m + RecordSeparator)));
                }
            });
        });
        await SignInAndWaitAsync(tablet, "therapist", HostUnderTest.DemoPassword);
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(tablet.GetByTestId("connection-status")).ToHaveTextAsync("connected");
        await Assertions.Expect(tablet.GetByTestId("mask-light-target")).ToHaveTextAsync("0%");

        // The mask's change is lost on the way to the tablet: it goes on showing the mask as it was.
        Volatile.Write(ref dropping, true);
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/mask", new { on = true, light = 20 })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref dropped) > 0), TimeSpan.FromSeconds(10), "a patch dropped");
        await Task.Delay(500);
        await Assertions.Expect(tablet.GetByTestId("mask-light-target")).ToHaveTextAsync("0%");
        Volatile.Write(ref dropping, false);

        // The next change, to something else, does not follow on from what the tablet holds: it reads the room again.
        (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 33, transitionMs = 0 })).EnsureSuccessStatusCode();
        await Assertions.Expect(tablet.GetByTestId("brightness-target")).ToHaveTextAsync("33%");
        await Assertions.Expect(tablet.GetByTestId("mask-light-target")).ToHaveTextAsync("20%");
    }

    private static JsonNode? Json(string? text) => text is null ? null : JsonNode.Parse(text);

    /// <summary>The room as the page holds it to draw it (lib/store.js: a module is one instance per page).</summary>
    private static Task<string> ShownAsync(IPage page, string roomId) =>
        page.EvaluateAsync<string>("async (id) => JSON.stringify((await import('/lib/store.js')).rooms.get(id))", roomId);
}
