using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SettingControl.Contracts;
using SettingControl.FirmwareSim;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Two nodes (two host processes) on one PostgreSQL and one Mosquitto, the devices simulated in the test process: a
/// room made and its devices assigned through the staff API answers through either node, a tablet on one node sees
/// a change made through the other, and a kill -9 of the node the room is active on, mid-session with a fade
/// running, leaves the room answering through the survivor with its clock, its fade, Lights up and its record.
/// </summary>
public sealed class TwoNodeClusterTests(ITestOutputHelper output)
{
    private const string RoomId = "garden";
    private static readonly string[] DeviceIds = ["room-1-light-1", "room-1-light-2", "room-1-mask"];

    [Fact]
    public async Task Either_node_drives_the_room_and_a_kill_9_of_its_node_mid_fade_loses_nothing()
    {
        var database = await (await PostgresServer.SharedAsync()).NewMigratedDatabaseAsync();
        var accounts = new BrokerAccounts(rooms: 1);
        await using var mosquitto = await MosquittoBroker.StartAsync(accounts);
        await using var fleet = new DeviceFleet(accounts.Devices(1, mosquitto.Port));
        await fleet.StartAllAsync();
        var settings = accounts.ClusterNodeSettings(mosquitto.Port, database);
        settings["Simulation:Rooms"] = "0";

        using var a = NodeProcess.Start("A", settings);
        await a.WaitReadyAsync();
        using var b = NodeProcess.Start("B", settings);
        await b.WaitReadyAsync();
        try
        {
            await RunAsync(a, b, fleet);
        }
        catch (Exception)
        {
            output.WriteLine("node A:\n" + string.Join('\n', a.Output) + "\nnode B:\n" + string.Join('\n', b.Output));
            throw;
        }
    }

    private async Task RunAsync(NodeProcess a, NodeProcess b, DeviceFleet fleet)
    {
        await Eventually.TrueAsync(async () => (await ClusterAsync(a)).Nodes.Count(n => n.Status == "Active") == 2, TimeSpan.FromSeconds(30), "both nodes active");

        // Staff make the room and assign the devices through node A.
        (await a.Http.PostAsJsonAsync("/api/rooms", new { roomId = RoomId, name = "Garden room" })).EnsureSuccessStatusCode();
        foreach (var deviceId in DeviceIds)
        {
            await Eventually.TrueAsync(
                async () => (await a.Http.PutAsJsonAsync($"/api/devices/{deviceId}/room", new { roomId = RoomId })).IsSuccessStatusCode,
                TimeSpan.FromSeconds(20),
                $"{deviceId} assigned");
        }

        // A command through either node reaches the devices.
        await SetLightsAsync(a, 31);
        await LightsAtAsync(fleet, 31, "the lights at 31 % after a command through node A");
        var (appliedBefore, duplicatesBefore) = (fleet[DeviceIds[0]].AppliedCommandCount, fleet[DeviceIds[0]].DuplicateCommandCount);
        await SetLightsAsync(b, 42);
        await LightsAtAsync(fleet, 42, "the lights at 42 % after a command through node B");

        // Published once: the room's node sends it, not both nodes. A second copy would be applied again or, carrying
        // the same command id, counted by the light as a duplicate.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal((1, 0), (fleet[DeviceIds[0]].AppliedCommandCount - appliedBefore, fleet[DeviceIds[0]].DuplicateCommandCount - duplicatesBefore));

        // Signed in through node A, a tablet stays signed in through node B: the cookie keys are the cluster's.
        using (var cookies = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() })
        using (var browser = new HttpClient(cookies))
        {
            (await browser.PostAsJsonAsync(new Uri(a.BaseUrl, "/api/auth/sign-in"), new { username = "therapist", password = HostUnderTest.DemoPassword })).EnsureSuccessStatusCode();
            var me = await browser.GetAsync(new Uri(b.BaseUrl, "/api/auth/me"));
            Assert.True(me.IsSuccessStatusCode, $"node B refused node A's sign-in: {(int)me.StatusCode}");
        }

        // What staff set up through one node holds on the other: a device login (in node B's Mosquitto files), a
        // Zigbee2MQTT bridge (listed, and its topics subscribed to, on node B) and the room's audio output.
        (await a.Http.PostAsync("/api/devices/spare-lamp/credentials", null)).EnsureSuccessStatusCode();
        Assert.Contains("spare-lamp:", await b.Http.GetStringAsync("/api/mqtt/mosquitto/passwd"));
        (await a.Http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = "zigbee-east", name = "East wing" })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await b.Http.GetStringAsync("/api/bridges")).Contains("East wing"), TimeSpan.FromSeconds(10), "node B lists the bridge registered through node A");
        Assert.Contains("zigbee-east", await b.Http.GetStringAsync("/api/mqtt/mosquitto/acl"));
        (await a.Http.PutAsJsonAsync($"/api/rooms/{RoomId}/audio-output", new { kind = "file", path = "garden.wav" })).EnsureSuccessStatusCode();
        Assert.Contains("garden.wav", await b.Http.GetStringAsync($"/api/rooms/{RoomId}/audio-output"));

        // A tablet on node B sees a change made through node A.
        await using var tablet = await b.ConnectHubAsync();
        var seen = new TaskCompletionSource<RoomSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        tablet.On<RoomSnapshot>("RoomChanged", snapshot =>
        {
            if (snapshot.Desired.Lighting.Brightness == 27)
            {
                seen.TrySetResult(snapshot);
            }
        });
        await tablet.InvokeAsync<RoomSnapshot>("JoinRoom", RoomId);
        await SetLightsAsync(a, 27);
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await LightsAtAsync(fleet, 27, "the lights at 27 %");

        // A session runs, with a note, then a long fade, and the room's node dies in the middle of it.
        var started = await a.Http.PostAsJsonAsync($"/api/rooms/{RoomId}/session", new { protocolId = "esketamine-nasal", label = "two nodes" });
        started.EnsureSuccessStatusCode();
        var sessionId = (await started.Content.ReadFromJsonAsync<SessionStarted>())!.SessionId;
        (await a.Http.PostAsync($"/api/rooms/{RoomId}/session/t0", null)).EnsureSuccessStatusCode();
        (await b.Http.PostAsJsonAsync($"/api/rooms/{RoomId}/notes", new { text = "acknowledged before the node died" })).EnsureSuccessStatusCode();
        (await a.Http.PutAsJsonAsync($"/api/rooms/{RoomId}/lighting", new { brightness = 90, colorTempK = 2700, transitionMs = 20_000 })).EnsureSuccessStatusCode();
        var beforeKill = (await a.Http.GetFromJsonAsync<RoomSnapshot>($"/api/rooms/{RoomId}"))!;
        await Eventually.TrueAsync(() => Task.FromResult(fleet[DeviceIds[0]].Current.Brightness > 35), TimeSpan.FromSeconds(15), "the fade under way");

        var hostNode = (await ClusterAsync(a)).Rooms.Single(r => r.RoomId == RoomId).Node;
        var (doomed, survivor) = hostNode.Contains($":{a.SiloPort}@", StringComparison.Ordinal) ? (a, b) : (b, a);
        Assert.Contains($":{doomed.SiloPort}@", hostNode);
        var atKill = fleet[DeviceIds[0]].Current.Brightness!.Value;
        var commandsAtKill = DeviceIds.Select(id => fleet[id].AppliedCommandCount).ToArray();
        var clock = Stopwatch.StartNew();
        doomed.Kill();

        // Kill -> the survivor declares the node dead -> the room answers -> the survivor tells every device of the
        // room where its light is going (the simulated lights run a fade they were given on their own, so only a new
        // command shows that the survivor carries the room on).
        var declaredDead = await WhenAsync(async () => (await ClusterAsync(survivor)).Nodes.Where(n => n.Status == "Active").All(n => n.Answering), clock, "the killed node declared dead");
        var answering = await WhenAsync(async () => (await survivor.Http.GetAsync($"/api/rooms/{RoomId}")).IsSuccessStatusCode, clock, "the room answering through the survivor");
        var reasserted = await WhenAsync(
            () => Task.FromResult(DeviceIds.Select((id, i) => fleet[id].AppliedCommandCount > commandsAtKill[i]).All(told => told)),
            clock,
            "every device of the room told again by the survivor");
        output.WriteLine($"kill -9 of node {doomed.Name} (room active there, lights at {atKill} % of a fade to 90 %): " +
                         $"declared dead after {declaredDead.TotalMilliseconds:0} ms, room answering after {answering.TotalMilliseconds:0} ms, " +
                         $"devices re-asserted after {reasserted.TotalMilliseconds:0} ms");

        // The room is on the survivor with its session, clock and fade; the fade ends where it was going.
        var room = (await survivor.Http.GetFromJsonAsync<RoomSnapshot>($"/api/rooms/{RoomId}"))!;
        Assert.Equal((sessionId, beforeKill.Session!.PhaseId), (room.Session!.SessionId, room.Session.PhaseId));
        Assert.Equal(new LightingDto(true, 90, 2700), room.Desired.Lighting);
        Assert.Contains($":{survivor.SiloPort}@", (await ClusterAsync(survivor)).Rooms.Single(r => r.RoomId == RoomId).Node);
        await LightsAtAsync(fleet, 90, "the fade finished at 90 % after the failover");

        // Lights up works through the survivor, and every acknowledged entry is in the record.
        (await survivor.Http.PostAsync($"/api/rooms/{RoomId}/lights-up", null)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(
            () => Task.FromResult(DeviceIds[..2].All(id => fleet[id].Current is { On: true, Brightness: 100 })),
            TimeSpan.FromSeconds(15),
            "Lights up on both lights through the survivor");
        var record = (await survivor.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;
        Assert.Contains(record.Events, e => e.Note == "acknowledged before the node died");
        foreach (var type in new[] { "session-started", "dose-marked", "lighting-changed", "lights-up" })
        {
            Assert.Contains(type, record.Events.Select(e => e.Type));
        }
    }

    private static async Task SetLightsAsync(NodeProcess node, int brightness)
    {
        var answer = await node.Http.PutAsJsonAsync($"/api/rooms/{RoomId}/lighting", new { brightness, colorTempK = 2400, transitionMs = 0 });
        Assert.True(answer.IsSuccessStatusCode, $"lighting through node {node.Name}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()} {await node.Http.GetStringAsync("/api/cluster")}");
    }

    private static Task LightsAtAsync(DeviceFleet fleet, int brightness, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(DeviceIds[..2].All(id => fleet[id].Current is { On: true } c && c.Brightness == brightness)), TimeSpan.FromSeconds(30), what);

    private static async Task<ClusterView> ClusterAsync(NodeProcess node) =>
        (await node.Http.GetFromJsonAsync<ClusterView>("/api/cluster"))!;

    private static async Task<TimeSpan> WhenAsync(Func<Task<bool>> condition, Stopwatch clock, string what)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return await condition();
                }
                catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            what);
        return clock.Elapsed;
    }

    private sealed record SessionStarted(string SessionId);

    private sealed record ClusterView(string Provider, ClusterNode[] Nodes, ClusterRoom[] Rooms);

    private sealed record ClusterNode(string Address, string Status, bool Answering);

    private sealed record ClusterRoom(string RoomId, string Node);
}
