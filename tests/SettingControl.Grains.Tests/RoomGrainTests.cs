using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Grains.Tests;

public sealed class RoomGrainTests : IAsyncLifetime
{
    private static readonly DeviceAssignment[] TwoLightsAndAMask =
    [
        new("r-light-1", "light"),
        new("r-light-2", "light"),
        new("r-mask", "mask"),
    ];

    private readonly string _databasePath = RoomCluster.NewDatabasePath();
    private RoomCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RoomCluster.StartAsync(_databasePath);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IFacilityGrain Facility => _cluster.Grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key);

    private async Task<IRoomGrain> ProvisionedRoom(string roomId)
    {
        await Facility.EnsureRoom(new RoomDefinition(roomId, "Room " + roomId, TwoLightsAndAMask.Select(d => d with { DeviceId = roomId + "-" + d.DeviceId }).ToArray()));
        return _cluster.Grains.GetGrain<IRoomGrain>(roomId);
    }

    [Fact]
    public async Task A_room_nobody_created_refuses_commands_and_stays_nonexistent()
    {
        var room = _cluster.Grains.GetGrain<IRoomGrain>("ghost");

        var result = await room.SetLighting(new SetLightingRequest(Brightness: 10), Actor.System);

        Assert.Equal(CommandOutcome.RoomNotFound, result.Outcome);
        Assert.False(await room.Exists());
        Assert.Null(await room.GetSnapshot());
        Assert.Empty(_cluster.Devices.Sent);
        Assert.DoesNotContain("ghost", (await Facility.ListRooms()).Select(r => r.RoomId));
    }

    [Fact]
    public async Task A_lighting_command_goes_to_every_light_with_its_transition_and_not_to_the_mask()
    {
        var room = await ProvisionedRoom("a");

        var result = await room.SetLighting(new SetLightingRequest(Brightness: 25, ColorTempK: 2200, TransitionMs: 4000), new Actor("therapist", "dana"));

        Assert.Equal(CommandOutcome.Accepted, result.Outcome);
        Assert.Equal(new LightingDto(true, 25, 2200), result.Snapshot!.Desired.Lighting);
        Assert.Equal("therapist:dana", result.Snapshot.LastChange!.By);
        foreach (var light in new[] { "a-r-light-1", "a-r-light-2" })
        {
            var sent = Assert.Single(_cluster.Devices.For(light));
            Assert.Equal(25, sent.Brightness);
            Assert.Equal(2200, sent.ColorTempK);
            Assert.Equal(4000, sent.TransitionMs);
        }

        Assert.Empty(_cluster.Devices.For("a-r-mask"));
    }

    [Fact]
    public async Task An_invalid_command_changes_nothing_and_sends_nothing()
    {
        var room = await ProvisionedRoom("b");
        var before = (await room.GetSnapshot())!;

        var result = await room.SetLighting(new SetLightingRequest(Brightness: 140, ColorTempK: 9000), Actor.System);

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Equal(["brightness", "colorTempK"], result.Errors.Select(e => e.Field).Order().ToArray());
        var after = (await room.GetSnapshot())!;
        Assert.Equal(before.Desired, after.Desired);
        Assert.Equal(before.Version, after.Version);
        Assert.Empty(_cluster.Devices.Sent);
    }

    [Fact]
    public async Task A_device_coming_online_gets_the_rooms_desired_state_at_once()
    {
        var room = await ProvisionedRoom("c");
        // At once (the mask light fades by default): the test is about the state a device gets, not about a fade.
        await room.SetMask(new SetMaskRequest(On: true, Light: 30, TransitionMs: 0), Actor.System);
        await room.SetLighting(new SetLightingRequest(Brightness: 12, ColorTempK: 2000), Actor.System);
        while (_cluster.Devices.Sent.TryDequeue(out _))
        {
        }

        await _cluster.Grains.GetGrain<IDeviceGrain>("c-r-light-2").AvailabilityChanged(true, DateTimeOffset.UtcNow);
        await _cluster.Grains.GetGrain<IDeviceGrain>("c-r-mask").AvailabilityChanged(true, DateTimeOffset.UtcNow);

        var light = Assert.Single(_cluster.Devices.For("c-r-light-2"));
        Assert.Equal((true, 12, 2000, 0), (light.On, light.Brightness!.Value, light.ColorTempK!.Value, light.TransitionMs));
        var mask = Assert.Single(_cluster.Devices.For("c-r-mask"));
        Assert.Equal((true, 30), (mask.On, mask.Light!.Value));
        var snapshot = (await room.GetSnapshot())!;
        Assert.Equal("online", snapshot.Devices.Single(d => d.DeviceId == "c-r-light-2").Availability);
        Assert.Equal("unknown", snapshot.Devices.Single(d => d.DeviceId == "c-r-light-1").Availability);
    }

    [Fact]
    public async Task Reported_state_is_shown_as_actual_separately_from_desired()
    {
        var room = await ProvisionedRoom("d");
        await room.SetLighting(new SetLightingRequest(Brightness: 80, TransitionMs: 10_000), Actor.System);

        var routed = await _cluster.Grains.GetGrain<IDeviceGrain>("d-r-light-1")
            .StateReported(new DeviceStateReport(new ActualStateDto(true, 47, 2700, null, null, null), DateTimeOffset.UtcNow));

        Assert.True(routed);
        var snapshot = (await room.GetSnapshot())!;
        Assert.Equal(80, snapshot.Desired.Lighting.Brightness);
        Assert.Equal(47, snapshot.Devices.Single(d => d.DeviceId == "d-r-light-1").Actual!.Brightness);
        Assert.Null(snapshot.Devices.Single(d => d.DeviceId == "d-r-light-2").Actual);
    }

    [Fact]
    public async Task A_device_no_room_owns_controls_nothing()
    {
        var room = await ProvisionedRoom("e");
        var before = (await room.GetSnapshot())!;

        var stranger = _cluster.Grains.GetGrain<IDeviceGrain>("stranger-light");
        Assert.False(await stranger.AvailabilityChanged(true, DateTimeOffset.UtcNow));
        Assert.False(await stranger.StateReported(new DeviceStateReport(new ActualStateDto(true, 100, 4000, null, null, null), DateTimeOffset.UtcNow)));
        Assert.False(await stranger.Announced(new DeviceAnnouncement("stranger-light", "light", "x", "1", null, null, null)));

        var after = (await room.GetSnapshot())!;
        Assert.Equal(before.Desired, after.Desired);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Devices, after.Devices);
        Assert.Empty(_cluster.Devices.Sent);
        Assert.Equal("x", (await stranger.GetInfo()).Model);
    }

    [Fact]
    public async Task A_device_assigned_after_it_announced_gets_long_fades_in_segments_it_can_do()
    {
        var room = await ProvisionedRoom("late");
        var bulb = _cluster.Grains.GetGrain<IDeviceGrain>("late-bulb");
        Assert.False(await bulb.Announced(new DeviceAnnouncement("late-bulb", "light", "LED1545G12", "2.3", 2200, 4000, 30_000, "zigbee2mqtt", "room/ceiling", "IKEA")));
        await bulb.AvailabilityChanged(true, DateTimeOffset.UtcNow);

        Assert.Empty(await Facility.AssignDevice("late-bulb", "late", "light"));
        var result = await room.SetLighting(new SetLightingRequest(Brightness: 10, TransitionMs: 120_000), new Actor("therapist", "dana"));

        Assert.Equal(CommandOutcome.Accepted, result.Outcome);
        var sent = _cluster.Devices.For("late-bulb").Last();
        Assert.Equal(30_000, sent.TransitionMs);
    }

    [Fact]
    public async Task A_rooms_lights_are_told_a_change_together_so_a_link_can_broadcast_it_to_a_group()
    {
        var room = await ProvisionedRoom("batch");

        await room.SetLighting(new SetLightingRequest(Brightness: 45), Actor.System);

        var batch = _cluster.Devices.Batches.Last(b => b.Any(c => c.DeviceId.StartsWith("batch-", StringComparison.Ordinal)));
        Assert.Equal(["batch-r-light-1", "batch-r-light-2"], batch.Select(c => c.DeviceId).Order(StringComparer.Ordinal));
        Assert.All(batch, c => Assert.Equal(45, c.Brightness));
    }

    [Fact]
    public async Task Watchers_are_pushed_every_change()
    {
        var room = await ProvisionedRoom("f");
        var watcher = new RoomWatcher();
        var reference = _cluster.Grains.CreateObjectReference<IRoomObserver>(watcher);
        await room.Subscribe(reference);

        await room.SetLighting(new SetLightingRequest(Brightness: 5), Actor.System);
        await _cluster.Grains.GetGrain<IDeviceGrain>("f-r-light-1").AvailabilityChanged(false, DateTimeOffset.UtcNow);

        var offline = await watcher.WaitFor(s => s.Devices.Any(d => d.DeviceId == "f-r-light-1" && d.Availability == "offline"));
        Assert.Equal(5, offline.Desired.Lighting.Brightness);
    }

    [Fact]
    public async Task A_failed_write_refuses_the_command_and_puts_the_room_and_its_devices_back_as_stored()
    {
        var room = await ProvisionedRoom("g");
        await room.SetLighting(new SetLightingRequest(Brightness: 33), Actor.System);
        _cluster.Storage.FailWrites = () => new IOException("disk full (injected)");
        try
        {
            var refused = await room.SetLighting(new SetLightingRequest(Brightness: 90), Actor.System);
            Assert.Equal(CommandOutcome.StorageUnavailable, refused.Outcome);
            Assert.Equal("The change was not saved: the disk cannot be written. Nothing was changed.", Assert.Single(refused.Errors).Message);
        }
        finally
        {
            _cluster.Storage.FailWrites = null;
        }

        Assert.Equal(33, (await room.GetSnapshot())!.Desired.Lighting.Brightness);

        // The devices heard the change while its write was committing; once it failed, each light was told 33 again.
        Assert.All(new[] { "g-r-light-1", "g-r-light-2" }, light => Assert.Equal(33, _cluster.Devices.For(light).Last().Brightness));
    }

    [Fact]
    public async Task Desired_state_and_assignments_survive_a_restart_of_the_silo()
    {
        var room = await ProvisionedRoom("h");
        await room.SetLighting(new SetLightingRequest(On: true, Brightness: 18, ColorTempK: 2100), Actor.System);
        await room.SetMask(new SetMaskRequest(On: true, Light: 7), Actor.System);
        await _cluster.DisposeAsync();

        _cluster = await RoomCluster.StartAsync(_databasePath);
        var restarted = (await _cluster.Grains.GetGrain<IRoomGrain>("h").GetSnapshot())!;

        Assert.Equal(new DesiredStateDto(new LightingDto(true, 18, 2100), new MaskDto(true, 7)), restarted.Desired);
        Assert.Equal(["h-r-light-1", "h-r-light-2", "h-r-mask"], restarted.Devices.Select(d => d.DeviceId).ToArray());
        Assert.All(restarted.Devices, d => Assert.Equal("unknown", d.Availability));
        Assert.Equal("h", await _cluster.Grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).FindRoomOfDevice("h-r-mask"));
    }
}
