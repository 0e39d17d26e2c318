using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.Contracts;
using SettingControl.Grains;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Integration.Tests;

/// <summary>A database written by the previous version still gives back everything it held.</summary>
public sealed class UpgradeTests
{
    [Fact]
    public async Task A_session_record_stored_whole_by_the_previous_version_is_still_read_after_the_upgrade()
    {
        var data = HostUnderTest.NewDataDirectory();
        Directory.CreateDirectory(data);
        const string sessionId = "room-1-20261101-090000-abcd";
        var at = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        var earlier = new SessionRecordState
        {
            Header = new SessionRecordDto(sessionId, "room-1", "esketamine-nasal", "Esketamine nasal spray", "last month", at, null, [], []),
            Events =
            [
                new SessionEventDto(1, at, "session-started", "therapist:dana", "Session started", "Preparation", null, null, null, null, null, null, null),
                new SessionEventDto(2, at.AddMinutes(30), "note", "therapist:dana", "Note", "Peak", null, null, null, "calm throughout", null, null, null),
            ],
            EndedAt = at.AddHours(2),
        };
        using (var storage = new SqliteGrainStorage(Path.Combine(data, "settingcontrol.db"), NullLogger<SqliteGrainStorage>.Instance))
        {
            await storage.WriteStateAsync("record", GrainId.Create("sessionrecord", sessionId), new GrainState<SessionRecordState>(earlier));
        }

        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, dataDirectory: data);
        var record = (await host.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;

        Assert.Equal(("room-1", "last month", at.AddHours(2)), (record.RoomId, record.Label, record.EndedAt));
        Assert.Equal(["session-started", "note"], record.Events.Select(e => e.Type).ToArray());
        Assert.Equal("calm throughout", record.Events[1].Note);
    }
}
