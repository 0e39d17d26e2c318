using Microsoft.Extensions.Time.Testing;
using SettingControl.Contracts;

namespace SettingControl.Grains.Tests;

/// <summary>
/// Two silos sharing one storage, as a cluster's nodes share its database: a room that moves to the other silo, or
/// whose silo dies, carries on there as it was stored, and a watcher that subscribes again hears it.
/// </summary>
public sealed class TwoSiloTests : IAsyncLifetime
{
    private static readonly Actor Dana = new("therapist", "dana");
    private readonly string _databasePath = RoomCluster.NewDatabasePath();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private RoomCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RoomCluster.StartAsync(_databasePath, _time, silos: 2);
        await _cluster.Grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).EnsureRoom(new RoomDefinition("m", "Room M",
            [new DeviceAssignment("m-light", "light"), new DeviceAssignment("m-mask", "mask")]));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IRoomGrain Room => _cluster.Grains.GetGrain<IRoomGrain>("m");

    [Fact]
    public async Task A_room_moved_to_the_other_silo_keeps_its_session_and_a_watcher_that_subscribes_again_hears_it()
    {
        var started = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "moving"), Dana);
        await Room.SessionCommand(SessionAction.MarkDose, Dana);
        await Room.SetLighting(new SetLightingRequest(Brightness: 14, ColorTempK: 2200), Dana);
        var before = (await Room.GetSnapshot())!;
        var from = await Room.ActiveOn();

        var to = _cluster.Cluster.GetActiveSilos().Select(s => s.SiloAddress).First(s => s.ToParsableString() != from);
        await _cluster.Cluster.MigrateAsync(Room, to);

        Assert.Equal(to.ToParsableString(), await Room.ActiveOn());
        var after = (await Room.GetSnapshot())!;
        Assert.Equal(before.Desired, after.Desired);
        Assert.Equal((before.Session!.SessionId, before.Session.PhaseId), (after.Session!.SessionId, after.Session.PhaseId));
        Assert.Equal(before.Session.Overrides, after.Session.Overrides);

        var watcher = new RoomWatcher();
        await Room.Subscribe(_cluster.Grains.CreateObjectReference<IRoomObserver>(watcher));
        await Room.AddNote("after the move", Dana);
        Assert.Equal(started.Snapshot!.Session!.SessionId, (await watcher.WaitFor(s => s.RecordSequence > before.RecordSequence)).Session!.SessionId);
    }

    [Fact]
    public async Task A_room_moved_to_the_node_of_its_music_output_takes_its_watchers_and_lets_go_of_the_music_it_left()
    {
        await Room.StartSession(new StartSessionRequest("esketamine-nasal", "music elsewhere"), Dana);
        await Room.OnDeviceAvailability("m-light", true, _time.GetUtcNow());
        await Room.OnDeviceState("m-light", new DeviceStateReport(new ActualStateDto(true, 47, 2700, null, null, null), _time.GetUtcNow()));
        var watcher = new RoomWatcher();
        await Room.Subscribe(_cluster.Grains.CreateObjectReference<IRoomObserver>(watcher));
        var from = await Room.ActiveOn();
        var other = _cluster.Cluster.GetActiveSilos().First(s => s.SiloAddress.ToParsableString() != from);

        await Room.MoveToNode(other.Name);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Room.ActiveOn() == from && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(other.SiloAddress.ToParsableString(), await Room.ActiveOn());
        Assert.Equal(["m"], _cluster.Music.Released);

        // What the light said before the move is still known: a move makes no device speak again.
        var light = (await Room.GetSnapshot())!.Devices.Single(d => d.DeviceId == "m-light");
        Assert.Equal(("online", 47), (light.Availability, light.Actual?.Brightness));

        // Subscribed before the move and never again: the watcher hears the room from its new node.
        var before = (await Room.GetSnapshot())!;
        await Room.AddNote("after the move", Dana);
        await watcher.WaitFor(s => s.RecordSequence > before.RecordSequence);
    }

    [Fact]
    public async Task A_room_whose_silo_dies_answers_from_the_other_with_its_clock_and_record()
    {
        var started = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "dying silo"), Dana);
        await Room.SessionCommand(SessionAction.MarkDose, Dana);
        await Room.AddNote("before the silo died", Dana);
        var host = await Room.ActiveOn();

        // The first silo holds the test cluster's membership (development clustering), as the database does in a
        // real cluster: the room is put on the second, which is then killed.
        var second = _cluster.Cluster.Silos[1];
        if (second.SiloAddress.ToParsableString() != host)
        {
            await _cluster.Cluster.MigrateAsync(Room, second.SiloAddress);
            host = await Room.ActiveOn();
        }

        Assert.Equal(second.SiloAddress.ToParsableString(), host);
        await _cluster.Cluster.KillSiloAsync(second);
        _time.Advance(TimeSpan.FromMinutes(20));

        var snapshot = await EventuallyAsync(async () => await Room.GetSnapshot());
        Assert.NotEqual(host, await Room.ActiveOn());
        Assert.Equal(started.Snapshot!.Session!.SessionId, snapshot!.Session!.SessionId);

        // The clock is recomputed from stored timestamps on the surviving silo: 20 min after T0 is the peak.
        _time.Advance(TimeSpan.FromSeconds(2));
        await Eventually(async () => (await Room.GetSnapshot())!.Session!.PhaseId == "peak");
        var record = (await _cluster.Grains.GetGrain<ISessionRecordGrain>(snapshot.Session.SessionId).Get())!;
        Assert.Contains(record.Events, e => e.Type == "note" && e.Note == "before the silo died");
        Assert.Equal(CommandOutcome.Accepted, (await Room.SessionCommand(SessionAction.LightsUp, Dana)).Outcome);
    }

    /// <summary>Calls until the room answers: the first calls after a silo dies wait for it to be declared dead.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
