using System.Net;
using System.Net.Http.Json;
using System.Text;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>Whole sessions against the real host and firmware-sim devices.</summary>
public sealed class SessionIntegrationTests
{
    /// <summary>A staff protocol short enough to run end to end in a test: three 6-second phases.</summary>
    private const string QuickProtocol = """
        {
          "id": "quick-demo",
          "name": "Quick demo",
          "phases": [
            { "id": "settle", "name": "Settle", "durationMinutes": null, "fadeSeconds": 1,
              "scene": { "lighting": { "on": true, "brightness": 50, "colorTempK": 3000 }, "mask": { "on": false, "light": 0 } } },
            { "id": "deep", "name": "Deep", "startsAtDose": true, "durationMinutes": 0.1, "fadeSeconds": 2,
              "scene": { "lighting": { "on": true, "brightness": 10, "colorTempK": 2200 }, "mask": { "on": true, "light": 20 } },
              "reminders": [ { "id": "check", "title": "Check in", "priority": "high", "atMinutes": 0.05, "from": "dose" } ] },
            { "id": "rise", "name": "Rise", "durationMinutes": 0.1, "fadeSeconds": 3,
              "scene": { "lighting": { "on": true, "brightness": 70, "colorTempK": 3500 }, "mask": { "on": false, "light": 0 } } },
            { "id": "done", "name": "Done", "durationMinutes": null, "fadeSeconds": 1,
              "scene": { "lighting": { "on": true, "brightness": 60, "colorTempK": 3300 } } }
          ]
        }
        """;

    [Fact]
    public async Task A_short_protocol_runs_against_the_devices_and_the_export_accounts_for_every_change()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        await WaitOnline(host, "room-1");
        await PutProtocol(host, QuickProtocol);
        var light = host.SimulatedDevices!["room-1-light-1"];
        var mask = host.SimulatedDevices["room-1-mask"];

        var start = await host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "quick-demo", label = "test run" });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var sessionId = (await start.Content.ReadFromJsonAsync<StartedSession>())!.SessionId;
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 50 && s.ColorTempK == 3000, TimeSpan.FromSeconds(15)), "settle scene");

        (await host.Http.PostAsync("/api/rooms/room-1/session/t0", null)).EnsureSuccessStatusCode();
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 10 && s.ColorTempK == 2200, TimeSpan.FromSeconds(15)), "deep scene");
        Assert.True(await mask.WaitUntilAsync(s => s.On && s.Light == 20, TimeSpan.FromSeconds(15)), "mask light on in deep");
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 70 && s.ColorTempK == 3500, TimeSpan.FromSeconds(20)), "rise scene after 6 s");
        Assert.True(await mask.WaitUntilAsync(s => !s.On, TimeSpan.FromSeconds(15)), "mask light off in rise");
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 60, TimeSpan.FromSeconds(20)), "done scene");

        var room = await host.GetRoomAsync("room-1");
        Assert.Equal(("done", "untimed"), (room.Session!.PhaseId, room.Session.Clock));
        var check = room.Session.Reminders.Single(r => r.Title == "Check in");
        (await host.Http.PostAsync($"/api/rooms/room-1/reminders/{check.Id}/acknowledge", null)).EnsureSuccessStatusCode();
        (await host.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = "Calm, \"smiling\", no distress" })).EnsureSuccessStatusCode();
        (await host.Http.PostAsync("/api/rooms/room-1/session/end", null)).EnsureSuccessStatusCode();

        var record = (await host.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;
        var phases = record.Events.Where(e => e.Type == "phase-started").Select(e => e.Phase ?? "?").ToArray();
        Assert.Equal(["Settle", "Deep", "Rise", "Done"], phases);
        Assert.Contains(record.Events, e => e.Type == "dose-marked" && e.Actor == "key:demo-api-key");
        Assert.Contains(record.Events, e => e.Type == "reminder-due" && e.ReminderId == check.Id);
        Assert.Contains(record.Events, e => e.Type == "reminder-acknowledged" && e.ReminderId == check.Id);
        Assert.Contains(record.Events, e => e.Type == "note" && e.Note == "Calm, \"smiling\", no distress");
        Assert.Equal("session-ended", record.Events[^1].Type);
        Assert.NotNull(record.EndedAt);
        var deepScene = record.Events.Single(e => e.Type == "scene-applied" && e.Phase == "Deep");
        Assert.Equal((50, 10, 2000), (deepScene.Before!.Lighting.Brightness, deepScene.After!.Lighting.Brightness, deepScene.TransitionMs!.Value));
        Assert.All(record.Events, e => Assert.Equal(3, e.Actual!.Count));

        var csv = await host.Http.GetAsync($"/api/sessions/{sessionId}/export?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(record.Events.Count + 1, lines.Length);
        Assert.StartsWith("sequence,at,elapsed_min,type,actor", lines[0]);
        Assert.Contains(lines, l => l.Contains("\"Calm, \"\"smiling\"\", no distress\""));
        var json = await host.Http.GetAsync($"/api/sessions/{sessionId}/export?format=json");
        Assert.Equal("attachment", json.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(record.Events.Count, (await json.Content.ReadFromJsonAsync<SessionRecordDto>())!.Events.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.GetAsync($"/api/sessions/{sessionId}/export?format=xml")).StatusCode);
    }

    [Fact]
    public async Task Lights_up_during_a_fade_gives_full_light_at_once_and_resume_returns_to_the_program()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        await WaitOnline(host, "room-1");
        await PutProtocol(host, """
            { "id": "slow-fade", "name": "Slow fade", "phases": [
              { "id": "dim", "name": "Dim", "durationMinutes": null, "fadeSeconds": 30,
                "scene": { "lighting": { "on": true, "brightness": 5, "colorTempK": 2000 }, "mask": { "on": true, "light": 30 } } } ] }
            """);
        var light = host.SimulatedDevices!["room-1-light-2"];
        (await host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "slow-fade", label = "fade" })).EnsureSuccessStatusCode();
        Assert.True(await light.WaitUntilAsync(s => s.Brightness is < 38 and > 5, TimeSpan.FromSeconds(15)), "the 30 s fade is under way");

        var up = await host.Http.PostAsync("/api/rooms/room-1/lights-up", null);

        up.EnsureSuccessStatusCode();
        Assert.True(await light.WaitUntilAsync(s => s.On && s.Brightness == 100 && s.ColorTempK == 4000, TimeSpan.FromSeconds(5)), "full neutral light");
        Assert.True(await host.SimulatedDevices["room-1-mask"].WaitUntilAsync(s => !s.On, TimeSpan.FromSeconds(5)), "mask light off");
        var room = await host.GetRoomAsync("room-1");
        Assert.True(room.LightsUp!.Active);
        Assert.Equal("held", room.Session!.Clock);
        await Task.Delay(1500);
        Assert.Equal(100, light.Current.Brightness);

        (await host.Http.PostAsync("/api/rooms/room-1/lights-up/resume", null)).EnsureSuccessStatusCode();
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 5 && s.ColorTempK == 2000, TimeSpan.FromSeconds(15)), "back to the program's scene");
        room = await host.GetRoomAsync("room-1");
        Assert.False(room.LightsUp!.Active);
        Assert.Equal("untimed", room.Session!.Clock);
    }

    [Fact]
    public async Task A_session_carries_on_after_the_controller_restarts()
    {
        var data = HostUnderTest.NewDataDirectory();
        var port = FreePorts.Next();
        string sessionId;
        await using (var first = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: data, mqttPort: port))
        {
            await WaitOnline(first, "room-1");
            await PutProtocol(first, """
                { "id": "two-step", "name": "Two step", "phases": [
                  { "id": "a", "name": "A", "startsAtDose": true, "durationMinutes": 0.25, "fadeSeconds": 1,
                    "scene": { "lighting": { "on": true, "brightness": 30, "colorTempK": 2500 } } },
                  { "id": "b", "name": "B", "durationMinutes": null, "fadeSeconds": 1,
                    "scene": { "lighting": { "on": true, "brightness": 80, "colorTempK": 3800 } } } ] }
                """);
            var started = await first.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "two-step", label = "restart" });
            sessionId = (await started.Content.ReadFromJsonAsync<StartedSession>())!.SessionId;
            (await first.Http.PostAsync("/api/rooms/room-1/session/t0", null)).EnsureSuccessStatusCode();
            (await first.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = "before restart" })).EnsureSuccessStatusCode();
            Assert.True(await first.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 30, TimeSpan.FromSeconds(10)));
            await first.StopAsync();
        }

        // Down for longer than phase A lasts: on restart the room is already in phase B.
        await Task.Delay(TimeSpan.FromSeconds(16));
        await using var second = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: data, mqttPort: port);
        await Eventually.TrueAsync(async () => (await second.GetRoomAsync("room-1")).Session?.PhaseId == "b", TimeSpan.FromSeconds(15), "phase B after restart");
        Assert.True(await second.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 80 && s.ColorTempK == 3800, TimeSpan.FromSeconds(15)),
            "the devices (rebooted to factory state with the controller) show phase B");
        var record = (await second.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;
        Assert.Contains(record.Events, e => e.Type == "note" && e.Note == "before restart");
        var phaseB = record.Events.Single(e => e.Type == "phase-started" && e.Phase == "B");
        var dose = record.Events.Single(e => e.Type == "dose-marked").At;
        Assert.Equal(15, (phaseB.At - dose).TotalSeconds, 0);
    }

    [Fact]
    public async Task Session_commands_without_a_session_or_with_bad_values_are_refused_clearly()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false);
        var t0 = await host.Http.PostAsync("/api/rooms/room-1/session/t0", null);
        Assert.Equal(HttpStatusCode.BadRequest, t0.StatusCode);
        Assert.Contains("No session is running", await t0.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.PostAsync("/api/rooms/nope/lights-up", null)).StatusCode);
        var badProtocol = await host.Http.PutAsync("/api/protocols/broken", new StringContent(
            """{"id":"broken","name":"B","phases":[{"id":"a","name":"A","fadeSeconds":5000,"scene":{}}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badProtocol.StatusCode);
        Assert.Contains("phases[0].fadeSeconds", await badProtocol.Content.ReadAsStringAsync());
        var protocols = await host.Http.GetFromJsonAsync<ProtocolSummaryDto[]>("/api/protocols");
        Assert.Equal(["esketamine-nasal", "im-injection", "integration", "iv-infusion", "sublingual-lozenge"], protocols!.Where(p => p.BuiltIn).Select(p => p.Id).Order().ToArray());
        (await host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "integration", label = "x" })).EnsureSuccessStatusCode();
        var extend = await host.Http.PostAsJsonAsync("/api/rooms/room-1/session/extend", new { minutes = 500 });
        Assert.Equal(HttpStatusCode.BadRequest, extend.StatusCode);
        var jump = await host.Http.PostAsJsonAsync("/api/rooms/room-1/session/jump", new { phase = "nowhere" });
        Assert.Equal(HttpStatusCode.BadRequest, jump.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.DeleteAsync("/api/rooms/room-1/overrides/brightness")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsJsonAsync("/api/rooms/room-1/reminders", new { title = "x", priority = "urgent", dueInMinutes = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/api/sessions/nope")).StatusCode);
        Assert.Equal("arrival", (await host.GetRoomAsync("room-1")).Session!.PhaseId);
    }

    private static async Task WaitOnline(HostUnderTest host, string roomId) =>
        await Eventually.TrueAsync(async () => (await host.GetRoomAsync(roomId)).Devices.All(d => d.Availability == "online"),
            TimeSpan.FromSeconds(20), $"{roomId} online");

    private static async Task PutProtocol(HostUnderTest host, string json)
    {
        var id = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString();
        var response = await host.Http.PutAsync($"/api/protocols/{id}", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private sealed record StartedSession(string SessionId);
}
