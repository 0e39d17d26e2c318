using Microsoft.Extensions.Time.Testing;
using SettingControl.Contracts;

namespace SettingControl.Grains.Tests;

/// <summary>
/// A clinic's database outlives every release. The fixture was written by an older main (see Fixtures/README.md);
/// the room it holds must come back exactly as it was left: mid-session, Lights up on, its overrides and reminders.
/// </summary>
public sealed class StoredStateCompatibilityTests : IAsyncLifetime
{
    private readonly string _databasePath = RoomCluster.NewDatabasePath();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 9, 4, 0, TimeSpan.Zero));
    private RoomCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        // A copy, so the test never changes the fixture.
        Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "room-before-private-setters.db"), _databasePath);
        _cluster = await RoomCluster.StartAsync(_databasePath, _time);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_room_stored_by_the_previous_release_comes_back_as_it_was_left()
    {
        var room = (await _cluster.Grains.GetGrain<IRoomGrain>("room-1").GetSnapshot())!;

        Assert.Equal("Room 1", room.Name);
        Assert.Equal(new RoomSettingsDto(70, "calm"), room.Settings);
        Assert.Equal(["room-1-light", "room-1-mask"], room.Devices.Select(d => d.DeviceId));

        Assert.True(room.LightsUp!.Active);
        Assert.Equal("therapist:dana", room.LightsUp!.By);
        Assert.Equal(new LightingDto(true, 100, 4000), room.Desired.Lighting);
        Assert.False(room.Desired.Mask.On);

        var session = room.Session!;
        Assert.Equal(("Sun 09:00", "esketamine-nasal", "dosing", "held"), (session.Label, session.ProtocolId, session.PhaseId, session.Clock));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 9, 1, 0, TimeSpan.Zero), session.DoseAt);
        Assert.Equal(["brightness", "musicVolume"], session.Overrides);
        Assert.Equal(
            [("r1", "acknowledged", "therapist:dana"), ("r2", "scheduled", null), ("r3", "scheduled", null), ("r4", "due", null)],
            session.Reminders.OrderBy(r => r.Id).Select(r => (r.Id, r.State, r.AcknowledgedBy)));

        Assert.Equal(("onset", true, 25, true), (room.Music!.PlaylistId, room.Music!.Playing, room.Music!.Volume, room.Music!.Ducked));
    }

    [Fact]
    public async Task Ending_the_old_Lights_up_returns_to_the_light_from_before_it_within_the_limit()
    {
        var room = _cluster.Grains.GetGrain<IRoomGrain>("room-1");

        var result = await room.SessionCommand(SessionAction.LightsUpResume, new Actor("therapist", "dana"));

        Assert.Equal(CommandOutcome.Accepted, result.Outcome);
        var snapshot = result.Snapshot!;
        Assert.False(snapshot.LightsUp!.Active);
        Assert.Equal("running", snapshot.Session!.Clock);

        // Lights up cleared the overrides, so the dosing scene (20 %, 2400 K, mask on at 5) takes the room back.
        Assert.Equal(new LightingDto(true, 20, 2400), snapshot.Desired.Lighting);
        Assert.Equal((true, 5), (snapshot.Desired.Mask.On, snapshot.Desired.Mask.Light));
    }
}
