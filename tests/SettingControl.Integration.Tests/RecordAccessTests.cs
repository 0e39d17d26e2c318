using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Who may read session records (notes included), and what random room and session ids cost: nothing but
/// a 404 or a refusal, no grain activated for them and no log line each.
/// </summary>
public sealed class RecordAccessTests
{
    private const string Protocol = "integration";

    [Fact]
    public async Task A_therapist_limited_to_room_2_finds_no_record_of_room_1_and_one_with_every_room_reads_it()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 2, runSimulatedDevices: false);
        var room1Session = await StartSessionAsync(host, "room-1");
        var room2Session = await StartSessionAsync(host, "room-2");
        (await host.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = "=HYPERLINK(\"http://evil.example\",\"x\")" })).EnsureSuccessStatusCode();
        await CreateAccountAsync(host, "ana", "Therapist", ["room-2"]);
        await CreateAccountAsync(host, "ben", "Therapist", []);
        await CreateAccountAsync(host, "olga", "Observer", ["room-2"]);
        var (ana, anaCookies) = await SignInAsync(host, "ana");
        var (ben, _) = await SignInAsync(host, "ben");
        var (olga, _) = await SignInAsync(host, "olga");

        // Another room's record looks exactly like one that does not exist: 404, same title, for the record and both exports.
        var unknown = await ana.GetAsync("/api/sessions/room-2-20200101-000000-abcd");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        foreach (var path in new[] { $"/api/sessions/{room1Session}", $"/api/sessions/{room1Session}/export?format=csv", $"/api/sessions/{room1Session}/export?format=json" })
        {
            var refused = await ana.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal(await TitleOf(unknown), await TitleOf(refused));
            Assert.DoesNotContain("HYPERLINK", await refused.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync(path)).StatusCode);
        }

        // Her own room's record she reads, as an observer limited to room-2 does.
        Assert.Equal(room2Session, (await ana.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{room2Session}"))!.SessionId);
        Assert.Equal(HttpStatusCode.OK, (await ana.GetAsync($"/api/sessions/{room2Session}/export?format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await olga.GetAsync($"/api/sessions/{room2Session}")).StatusCode);

        // A therapist with no rooms listed reads every room's record, the note included, and its export shows the note as text.
        var record = (await ben.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{room1Session}"))!;
        Assert.Contains(record.Events, e => e.Type == "note" && e.Note!.StartsWith("=HYPERLINK", StringComparison.Ordinal));
        var csv = await ben.GetStringAsync($"/api/sessions/{room1Session}/export?format=csv");
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"", csv);

        // The hub answers the same way.
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseUrl, RoomsHubPath), o => o.Cookies = anaCookies)
            .Build();
        await hub.StartAsync();
        var hidden = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SessionRecordDto>("GetSessionRecord", room1Session));
        Assert.Contains(SettingControl.Host.Hubs.RoomsHub.RecordNotAvailable, hidden.Message);
        Assert.DoesNotContain(room1Session, hidden.Message);
        Assert.Equal(room2Session, (await hub.InvokeAsync<SessionRecordDto>("GetSessionRecord", room2Session)).SessionId);
    }

    [Fact]
    public async Task Random_room_and_session_ids_are_refused_without_activating_a_grain_or_a_log_line_each()
    {
        var logs = new CapturedLogs();
        await using var host = await HostUnderTest.StartAsync(
            simulatedRooms: 1,
            runSimulatedDevices: false,
            extra: new Dictionary<string, string>
            {
                // What an operator's log shows by default: information and above.
                ["Logging:LogLevel:Microsoft"] = "Information",
                ["Logging:LogLevel:Orleans"] = "Information",
                ["Logging:LogLevel:Microsoft.Orleans"] = "Information",
            },
            logs: logs);
        var realSession = await StartSessionAsync(host, "room-1");
        await CreateAccountAsync(host, "oscar", "Observer", []);
        var (observer, observerCookies) = await SignInAsync(host, "oscar");
        await using var adminHub = await host.ConnectHubAsync();
        await using var observerHub = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseUrl, RoomsHubPath), o => o.Cookies = observerCookies)
            .Build();
        await observerHub.StartAsync();
        await adminHub.InvokeAsync<SessionRecordDto>("GetSessionRecord", realSession);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var activationsBefore = await ActivationsAsync(grains);
        var notFoundBefore = await RejectedNotFoundAsync(host);
        var logLinesBefore = logs.Entries.Count(IsShownByDefault);

        const int Ids = 2_000;
        var roomIds = Enumerable.Range(0, Ids).Select(i => $"room-{Guid.NewGuid():N}"[..(8 + i % 20)]).ToArray();
        var sessionIds = Enumerable.Range(0, Ids).Select(i => i % 2 == 0
            ? $"room-1-2026{i % 12 + 1:00}01-{i % 24:00}0000-{0x1000 + i:x4}" // the real room, a session it never had
            : $"{Guid.NewGuid():N}-20260101-000000-abcd").ToArray();

        await ForEachAsync(roomIds, async (id, i) =>
        {
            var response = i % 2 == 0
                ? await host.Http.GetAsync($"/api/rooms/{id}")
                : await host.Http.PutAsJsonAsync($"/api/rooms/{id}/lighting", new { brightness = 40 });
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var refused = await Assert.ThrowsAsync<HubException>(() => i % 2 == 0
                ? adminHub.InvokeAsync<RoomSnapshot>("JoinRoom", id)
                : adminHub.InvokeAsync<RoomSnapshot>("SetLighting", id, new SetLightingRequest(Brightness: 40)));
            Assert.Contains("does not exist", refused.Message);
        });
        await ForEachAsync(sessionIds, async (id, i) =>
        {
            var response = i % 2 == 0 ? await observer.GetAsync($"/api/sessions/{id}") : await observer.GetAsync($"/api/sessions/{id}/export?format=csv");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await Assert.ThrowsAsync<HubException>(() => observerHub.InvokeAsync<SessionRecordDto>("GetSessionRecord", id));
        });

        // Refusals of what an observer may not do are just as quiet.
        for (var i = 0; i < 200; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => observerHub.InvokeAsync<RoomSnapshot>("SetLighting", "room-1", new SetLightingRequest(Brightness: 40)));
        }

        Assert.Equal(activationsBefore, await ActivationsAsync(grains));
        Assert.True(await RejectedNotFoundAsync(host) - notFoundBefore >= 4 * Ids, "every unknown id is counted");
        var newLines = logs.Entries.Where(IsShownByDefault).Skip(logLinesBefore).ToArray();
        Assert.True(newLines.Length <= 10, $"{newLines.Length} log lines for {8 * Ids} refused calls:\n" + string.Join('\n', newLines.Take(20)));
        Assert.DoesNotContain(newLines, l => l.StartsWith("Error", StringComparison.Ordinal));

        // The real room and session still answer.
        Assert.Equal("room-1", (await host.GetRoomAsync("room-1")).RoomId);
        Assert.Equal(HttpStatusCode.OK, (await observer.GetAsync($"/api/sessions/{realSession}")).StatusCode);
    }

    private const string RoomsHubPath = "/hubs/rooms";

    private static bool IsShownByDefault(string entry) =>
        entry.StartsWith("Information", StringComparison.Ordinal) || entry.StartsWith("Warning", StringComparison.Ordinal)
        || entry.StartsWith("Error", StringComparison.Ordinal) || entry.StartsWith("Critical", StringComparison.Ordinal);

    /// <summary>Room and session record activations in the silo, from Orleans' management grain.</summary>
    private static async Task<(int Rooms, int Records)> ActivationsAsync(IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        int Count(string grainClass) => stats.Where(s => s.GrainType.Contains(grainClass, StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        return (Count("Grains.RoomGrain"), Count("Grains.SessionRecordGrain"));
    }

    private static async Task<long> RejectedNotFoundAsync(HostUnderTest host)
    {
        using var diagnostics = JsonDocument.Parse(await host.Http.GetStringAsync("/api/diagnostics"));
        return diagnostics.RootElement.GetProperty("api").GetProperty("rejectedNotFound").GetInt64();
    }

    /// <summary>A few calls at a time, as a script hammering the host would.</summary>
    private static async Task ForEachAsync(string[] ids, Func<string, int, Task> call)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Length)
            {
                await call(ids[i], i);
            }
        }));
    }

    private static async Task<string> StartSessionAsync(HostUnderTest host, string roomId)
    {
        var start = await host.Http.PostAsJsonAsync($"/api/rooms/{roomId}/session", new { protocolId = Protocol, label = "records test" });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        using var body = JsonDocument.Parse(await start.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("sessionId").GetString()!;
    }

    private static async Task CreateAccountAsync(HostUnderTest host, string username, string role, string[] rooms)
    {
        using var admin = await host.SignInAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/accounts", new { username, password = username + "-password-1", role, rooms });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    /// <summary>Signs in as the page does; the cookies also open the hub.</summary>
    private static async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(HostUnderTest host, string username)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("Origin", host.BaseUrl.GetLeftPart(UriPartial.Authority));
        (await client.PostAsJsonAsync("/api/auth/sign-in", new { username, password = username + "-password-1" })).EnsureSuccessStatusCode();
        return (client, cookies);
    }

    private static async Task<string?> TitleOf(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("title").GetString();
    }
}
