using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Sources;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Two nodes, each with its own folder standing for its own sound card: a room whose audio output staff put on the
/// other node moves there and plays there, its tablet still hearing it; when that node is killed the room carries on
/// on the survivor and plays nowhere, saying so, rather than out of the survivor's own output.
/// </summary>
public sealed class MusicPlacementClusterTests(ITestOutputHelper output)
{
    private const string RoomId = "room-1";

    [Fact]
    public async Task A_room_plays_on_the_node_of_its_audio_output_and_never_out_of_another()
    {
        var database = await (await PostgresServer.SharedAsync()).NewMigratedDatabaseAsync();
        var accounts = new BrokerAccounts(rooms: 1);
        await using var mosquitto = await MosquittoBroker.StartAsync(accounts);
        var settings = accounts.ClusterNodeSettings(mosquitto.Port, database);
        settings["Simulation:Rooms"] = "1";
        settings["Simulation:RunDevices"] = "false";
        settings["Audio:DefaultOutput"] = "none";
        settings["Audio:StatusSeconds"] = "1";

        using var a = NodeProcess.Start("A", new Dictionary<string, string>(settings) { ["Cluster:NodeName"] = "node-a" });
        await a.WaitReadyAsync();
        using var b = NodeProcess.Start("B", new Dictionary<string, string>(settings) { ["Cluster:NodeName"] = "node-b" });
        await b.WaitReadyAsync();
        try
        {
            await RunAsync(a, b);
        }
        catch (Exception)
        {
            output.WriteLine("node A:\n" + string.Join('\n', a.Output) + "\nnode B:\n" + string.Join('\n', b.Output));
            throw;
        }
    }

    private static async Task RunAsync(NodeProcess a, NodeProcess b)
    {
        await Eventually.TrueAsync(async () => (await ClusterAsync(a)).Nodes.Count(n => n.Status == "Active") == 2, TimeSpan.FromSeconds(30), "both nodes active");
        (await a.Http.PostAsJsonAsync($"/api/rooms/{RoomId}/session", new { protocolId = "esketamine-nasal", label = "music placement" })).EnsureSuccessStatusCode();
        var home = await HostOfRoomAsync(a, a, b);
        var away = home == a ? b : a;

        // A tablet on the room's first node, watching it before it moves.
        await using var tablet = await home.ConnectHubAsync();
        var changes = new System.Collections.Concurrent.ConcurrentQueue<RoomSnapshot>();
        tablet.On<RoomSnapshot>("RoomChanged", changes.Enqueue);
        await tablet.InvokeAsync<RoomSnapshot>("JoinRoom", RoomId);

        // A node that is not in the facility, or a name that is no node's, is refused and changes nothing.
        foreach (var wrong in new[] { "node-z", "../../etc", "node a" })
        {
            var refused = await home.Http.PutAsJsonAsync($"/api/rooms/{RoomId}/audio-output", new { kind = "file", path = "room-1.wav", node = wrong });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("\"node\"", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal("none", (await home.Http.GetFromJsonAsync<AudioOutput>($"/api/rooms/{RoomId}/audio-output"))!.Kind);

        // Staff put the room's output on the other node (its folder stands for its sound card): the room goes there.
        var awayName = away == a ? "node-a" : "node-b";
        (await home.Http.PutAsJsonAsync($"/api/rooms/{RoomId}/audio-output", new { kind = "file", path = "room-1.wav", node = awayName })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => await HostOfRoomAsync(a, a, b) == away, TimeSpan.FromSeconds(30), "the room moved to the node of its output");
        await Eventually.TrueAsync(
            async () => (await away.Http.GetFromJsonAsync<AudioOutput>($"/api/rooms/{RoomId}/audio-output")) is { State: "ok", Output: "file:room-1.wav", Node: var node } && node == awayName,
            TimeSpan.FromSeconds(30),
            "the output open on the node it belongs to");
        await Eventually.TrueAsync(() => Loud(Path.Combine(away.DataDirectory, "audio", "room-1.wav")), TimeSpan.FromSeconds(30), "music in the output node's file");
        Assert.False(File.Exists(Path.Combine(home.DataDirectory, "audio", "room-1.wav")), "the room's first node opened the output too");

        // The tablet, subscribed on the first node before the move, hears a change made after it.
        var beforeNote = (await away.Http.GetFromJsonAsync<RoomSnapshot>($"/api/rooms/{RoomId}"))!.RecordSequence;
        (await away.Http.PostAsJsonAsync($"/api/rooms/{RoomId}/notes", new { text = "after the move" })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => changes.Any(c => c.RecordSequence > beforeNote), TimeSpan.FromSeconds(15), "the tablet hears the room on its new node");

        // The output's node dies: the room carries on on the survivor, whose own folder (its own speaker) stays silent.
        away.Kill();
        await Eventually.TrueAsync(
            async () => (await home.Http.GetFromJsonAsync<AudioOutput>($"/api/rooms/{RoomId}/audio-output")) is { State: OtherNodeOutput.Unavailable },
            TimeSpan.FromSeconds(60),
            "the survivor says the room's speaker is on a controller that is not running");
        await Eventually.TrueAsync(
            async () => (await home.Http.GetFromJsonAsync<RoomSnapshot>($"/api/rooms/{RoomId}"))!.Music?.NowPlaying is { Playing: true, PositionSeconds: > 0 },
            TimeSpan.FromSeconds(30),
            "the room's music running on the survivor (to nowhere)");
        Assert.False(File.Exists(Path.Combine(home.DataDirectory, "audio", "room-1.wav")), "the survivor played the room out of its own output");

        // The therapist's tablet, on the survivor, says so in plain words.
        await using var browser = await Browser.LaunchAsync();
        var page = await SignedInPageAsync(browser, home, "therapist");
        await page.GotoAsync(new Uri(home.BaseUrl, $"/#/rooms/{RoomId}").ToString());
        await Assertions.Expect(page.GetByTestId("music-output-state"))
            .ToHaveTextAsync("Music is not audible: the controller the room's speakers are connected to is not running");
        var text = await page.Locator("body").InnerTextAsync();
        foreach (var technical in new[] { "node-a", "node-b", "unavailable:", "room-1.wav" })
        {
            Assert.DoesNotContain(technical, text, StringComparison.OrdinalIgnoreCase);
        }

        // Staff see which controller the room's speaker is on, though it is down.
        var console = await SignedInPageAsync(browser, home, "staff");
        await console.GotoAsync(new Uri(home.BaseUrl, "/#/staff").ToString());
        var nodeChoice = console.GetByTestId($"room-output-node-{RoomId}");
        await Assertions.Expect(nodeChoice).ToBeVisibleAsync();
        await Assertions.Expect(nodeChoice).ToHaveValueAsync(awayName);
    }

    private static async Task<IPage> SignedInPageAsync(Browser browser, NodeProcess node, string username)
    {
        var page = await browser.NewTabletPageAsync();
        await page.GotoAsync(new Uri(node.BaseUrl, "/#/").ToString());
        await page.GetByTestId("signin-username").FillAsync(username);
        await page.GetByTestId("signin-password").FillAsync(TestLogins.DemoPassword);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync(username);
        return page;
    }

    private static bool Loud(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var reader = WavReader.Open(path);
        var samples = new float[(int)Math.Min(reader.LengthFrames, 96_000) * 2];
        var read = reader.Read(samples);
        var sum = 0.0;
        for (var i = 0; i < read; i++)
        {
            sum += samples[i] * samples[i];
        }

        return read > 48_000 && Math.Sqrt(sum / read) > 1e-3;
    }

    private static async Task<NodeProcess> HostOfRoomAsync(NodeProcess asked, NodeProcess a, NodeProcess b)
    {
        var node = (await ClusterAsync(asked)).Rooms.Single(r => r.RoomId == RoomId).Node;
        return node.Contains($":{a.SiloPort}@", StringComparison.Ordinal) ? a : b;
    }

    private static async Task<ClusterView> ClusterAsync(NodeProcess node) =>
        (await node.Http.GetFromJsonAsync<ClusterView>("/api/cluster"))!;

    private sealed record AudioOutput(string Kind, string? Path, string Output, string State, string? Node);

    private sealed record ClusterView(ClusterNode[] Nodes, ClusterRoom[] Rooms);

    private sealed record ClusterNode(string Address, string Status);

    private sealed record ClusterRoom(string RoomId, string Node);
}
