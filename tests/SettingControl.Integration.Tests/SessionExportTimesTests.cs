using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A session export read by a clinician: times in the facility's own zone to the second, as on the wall clock, and
/// each phase the session went through with when it began and ended.
/// </summary>
public sealed class SessionExportTimesTests : IAsyncLifetime
{
    private HostUnderTest _host = null!;

    public async Task InitializeAsync() =>
        _host = await HostUnderTest.StartAsync(simulatedRooms: 1, extra: new Dictionary<string, string> { ["Facility:TimeZone"] = "Europe/Berlin" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Exports_give_local_times_to_the_second_and_each_phases_start_and_end()
    {
        var started = await _host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "Tuesday 09:00" });
        started.EnsureSuccessStatusCode();
        var sessionId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
        (await _host.Http.PostAsync("/api/rooms/room-1/session/t0", null)).EnsureSuccessStatusCode();
        (await _host.Http.PostAsync("/api/rooms/room-1/session/end", null)).EnsureSuccessStatusCode();

        var json = await _host.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/export?format=json");
        var offset = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").GetUtcOffset(DateTimeOffset.UtcNow);
        var zone = (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm");
        Assert.Matches(LocalSecond(zone), json.GetProperty("startedAt").GetString()!);
        Assert.Matches(LocalSecond(zone), json.GetProperty("endedAt").GetString()!);
        foreach (var e in json.GetProperty("events").EnumerateArray())
        {
            Assert.Matches(LocalSecond(zone), e.GetProperty("at").GetString()!);
        }

        // The phases it went through have their times; the ones it never reached have none.
        var phases = json.GetProperty("phases").EnumerateArray().ToList();
        Assert.Equal("Preparation and intention", phases[0].GetProperty("name").GetString());
        Assert.Equal("Dosing and onset", phases[1].GetProperty("name").GetString());
        foreach (var reached in phases.Take(2))
        {
            Assert.Matches(LocalSecond(zone), reached.GetProperty("startedAt").GetString()!);
            Assert.Matches(LocalSecond(zone), reached.GetProperty("endsAt").GetString()!);
        }

        Assert.Equal(phases[0].GetProperty("endsAt").GetString(), phases[1].GetProperty("startedAt").GetString());
        Assert.Equal(json.GetProperty("endedAt").GetString(), phases[1].GetProperty("endsAt").GetString());
        Assert.Equal(JsonValueKind.Null, phases[2].GetProperty("startedAt").ValueKind);

        var csv = await _host.Http.GetStringAsync($"/api/sessions/{sessionId}/export?format=csv");
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Matches(LocalSecond(zone), row.Split(',')[1]));
    }

    [Fact]
    public async Task A_time_zone_the_machine_does_not_know_stops_the_host_at_start_with_one_line()
    {
        var data = Path.Combine(Path.GetTempPath(), "settingcontrol-tests", $"zone-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        try
        {
            var started = await RefusedStart.RunAsync("with an unknown facility time zone", data, "--Facility:TimeZone=Mars/Olympus_Mons");
            Assert.Equal(2, started.ExitCode);
            var line = Assert.Single(started.ErrorLines);
            Assert.Equal("SettingControl cannot start: Facility:TimeZone 'Mars/Olympus_Mons' is not a time zone this machine knows; use an IANA id such as Europe/Berlin.", line);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>An ISO 8601 time to the second in the given offset: 2026-12-03T09:15:02+01:00.</summary>
    private static Regex LocalSecond(string zone) => new($"^\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d{Regex.Escape(zone)}$");
}
