using SettingControl.Contracts;
using SettingControl.Contracts.Storage;

namespace SettingControl.Grains.Tests;

/// <summary>
/// Storage refusing writes (a full disk) while a session runs: Lights up still reaches the devices and is kept,
/// everything else is refused with a plain reason, and a change and its record event are stored together or not at all.
/// </summary>
public sealed class StorageFailureTests : IAsyncLifetime
{
    private static readonly Actor Dana = new("therapist", "dana");
    private readonly string _databasePath = RoomCluster.NewDatabasePath();
    private RoomCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RoomCluster.StartAsync(_databasePath);
        await _cluster.Grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).EnsureRoom(new RoomDefinition("f", "Room F",
            [new DeviceAssignment("f-light-1", "light"), new DeviceAssignment("f-light-2", "light"), new DeviceAssignment("f-mask", "mask")]));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IRoomGrain Room => _cluster.Grains.GetGrain<IRoomGrain>("f");

    private void DiskFull() => _cluster.Storage.FailWrites = () => new StorageUnavailableException("the disk is full");

    private async Task<SessionRecordDto> Record(string sessionId) =>
        (await _cluster.Grains.GetGrain<ISessionRecordGrain>(sessionId).Get())!;

    [Fact]
    public async Task Lights_up_on_a_full_disk_reaches_every_light_is_kept_and_is_stored_once_the_disk_has_room()
    {
        var started = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "full disk"), Dana);
        var sessionId = started.Snapshot!.Session!.SessionId;
        await Room.SetLighting(new SetLightingRequest(Brightness: 42, TransitionMs: 600_000), Dana);
        DiskFull();

        var up = await Room.SessionCommand(SessionAction.LightsUp, Dana);

        // The devices have it, the room says so, and says it is not saved.
        Assert.Equal(CommandOutcome.Accepted, up.Outcome);
        Assert.True(up.Snapshot!.LightsUp!.Active);
        Assert.Equal(new StorageStatusDto(false, "the disk is full"), up.Snapshot.Storage);
        foreach (var light in new[] { "f-light-1", "f-light-2" })
        {
            var last = _cluster.Devices.For(light).Last();
            Assert.Equal((true, 100, 4000, 0), (last.On, last.Brightness, last.ColorTempK, last.TransitionMs));
        }

        Assert.False(_cluster.Devices.For("f-mask").Last().On);

        // Anything else is refused in plain words and changes nothing.
        var manual = await Room.SetLighting(new SetLightingRequest(Brightness: 100), Dana);
        Assert.Equal(CommandOutcome.StorageUnavailable, manual.Outcome);
        Assert.Equal("The change was not saved: the disk is full. Nothing was changed.", Assert.Single(manual.Errors).Message);
        Assert.True((await Room.GetSnapshot())!.LightsUp!.Active);

        // A second press sends it to every light again.
        var sentBefore = _cluster.Devices.For("f-light-1").Count;
        var again = await Room.SessionCommand(SessionAction.LightsUp, Dana);
        Assert.Equal(CommandOutcome.Accepted, again.Outcome);
        Assert.Equal(sentBefore + 1, _cluster.Devices.For("f-light-1").Count);
        Assert.Equal(100, _cluster.Devices.For("f-light-2").Last().Brightness);

        // The disk has room again: the room stores what it kept, on its own.
        _cluster.Storage.FailWrites = null;
        await Eventually(async () => (await Room.GetSnapshot())!.Storage is { Saved: true, Problem: null });

        var types = (await Record(sessionId)).Events.Select(e => e.Type).ToArray();
        Assert.Single(types, t => t == "lights-up");
        Assert.Single(types, t => t == "lights-up-resent");
        Assert.DoesNotContain("lights-up-resumed", types);

        // Stored for real: a restarted silo has Lights up on.
        await _cluster.DisposeAsync();
        _cluster = await RoomCluster.StartAsync(_databasePath);
        Assert.True((await Room.GetSnapshot())!.LightsUp!.Active);
        Assert.Single((await Record(sessionId)).Events, e => e.Type == "lights-up");
    }

    [Fact]
    public async Task A_refused_change_leaves_no_record_event_and_an_accepted_one_always_has_its_event()
    {
        var started = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "atomic"), Dana);
        var sessionId = started.Snapshot!.Session!.SessionId;
        DiskFull();
        var refused = await Room.AddNote("written while the disk was full", Dana);
        var refusedLight = await Room.SetLighting(new SetLightingRequest(Brightness: 11), Dana);
        _cluster.Storage.FailWrites = null;
        var accepted = await Room.AddNote("written after", Dana);

        Assert.Equal(CommandOutcome.StorageUnavailable, refused.Outcome);
        Assert.Equal(CommandOutcome.StorageUnavailable, refusedLight.Outcome);
        Assert.Equal(CommandOutcome.Accepted, accepted.Outcome);
        var record = await Record(sessionId);
        Assert.DoesNotContain(record.Events, e => e.Note == "written while the disk was full");
        Assert.DoesNotContain(record.Events, e => e.Type == "lighting-changed");
        Assert.Single(record.Events, e => e.Note == "written after");

        // As stored: one journal entry per recorded event (plus the header), each sequence number used once, in order.
        var stored = await _cluster.Storage.ReadAsync(sessionId);
        Assert.Equal(record.Events.Count, stored.Count(e => e.Kind == SessionJournal.EventKind));
        Assert.Equal(stored.Select(e => e.Sequence).Order(), stored.Select(e => e.Sequence));
        Assert.Equal(stored.Count, stored.Select(e => e.Sequence).Distinct().Count());
        Assert.DoesNotContain(_cluster.Devices.Sent, c => c.Brightness == 11);
    }

    [Fact]
    public async Task A_flapping_device_adds_a_bounded_summary_to_the_record_not_every_flip()
    {
        var started = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "flapping"), Dana);
        var sessionId = started.Snapshot!.Session!.SessionId;
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3000; i++)
        {
            await Room.OnDeviceAvailability("f-light-1", online: i % 2 == 0, at.AddMilliseconds(i));
        }

        await Room.OnDeviceAvailability("f-light-2", online: true, at);
        var record = await Record(sessionId);
        var fromFlapper = record.Events.Where(e => e.Actor == "device:f-light-1").ToArray();
        Assert.InRange(fromFlapper.Length, 1, Domain.Sessions.DeviceFlapGuard.Budget + 2);
        Assert.Contains(fromFlapper, e => e.Type == "device-flapping");
        Assert.Single(record.Events, e => e.Actor == "device:f-light-2" && e.Type == "device-online");
        Assert.Equal("offline", (await Room.GetSnapshot())!.Devices.Single(d => d.DeviceId == "f-light-1").Availability);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 20 s");
            await Task.Delay(100);
        }
    }
}
