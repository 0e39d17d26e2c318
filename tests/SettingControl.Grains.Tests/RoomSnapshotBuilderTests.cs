using SettingControl.Contracts;
using SettingControl.Domain;
using SettingControl.Grains.Rooms;

namespace SettingControl.Grains.Tests;

public sealed class RoomSnapshotBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly RoomState _state = new()
    {
        Provisioned = true,
        Name = "Room 1",
        Version = 7,
        LastTransitionMs = 1500,
        Devices = [new("light-1", DeviceKind.Light), new("mask", DeviceKind.Mask)],
    };

    private readonly RoomDevices _devices;

    public RoomSnapshotBuilderTests() => _devices = new RoomDevices(() => _state.Devices);

    [Fact]
    public void A_fresh_room_shows_its_stored_state_and_devices_nobody_has_heard_from()
    {
        var snapshot = RoomSnapshotBuilder.Build("r1", _state, _devices, null, null, T0);

        Assert.Equal(("r1", "Room 1", 7L, 1500), (snapshot.RoomId, snapshot.Name, snapshot.Version, snapshot.LastTransitionMs));
        Assert.Equal(DesiredRoomState.Default.ToDto(), snapshot.Desired);
        Assert.Equal(
            new[] { new RoomDeviceDto("light-1", "light", "unknown", null, null, null, null), new RoomDeviceDto("mask", "mask", "unknown", null, null, null, null) },
            snapshot.Devices);
        Assert.Null(snapshot.LastChange);
        Assert.Null(snapshot.Session);
        Assert.Equal(new LightsUpDto(false, null, null), snapshot.LightsUp);
        Assert.Equal(new MusicDto(null, false, 30, false, null), snapshot.Music);
        Assert.Equal(new RoomSettingsDto(Ranges.MaxBrightness, null), snapshot.Settings);
        Assert.Equal(new StorageStatusDto(true, null), snapshot.Storage);
    }

    [Fact]
    public void What_the_devices_report_is_shown_beside_each_device()
    {
        _devices.Announce(new DeviceAnnouncement("light-1", "light", "Bulb X", "2.1", null, null, null));
        _devices.ReportAvailability("light-1", true, T0);
        _devices.ReportState("light-1", new DeviceStateReport(new ActualStateDto(true, 40, 2700, null, null, null), T0.AddSeconds(1)));

        var snapshot = RoomSnapshotBuilder.Build("r1", _state, _devices, null, null, T0);

        Assert.Equal(
            new RoomDeviceDto("light-1", "light", "online", new ActualStateDto(true, 40, 2700, null, null, null), T0.AddSeconds(1), "Bulb X", "2.1"),
            snapshot.Devices[0]);
    }

    [Fact]
    public void Last_change_lights_up_player_and_storage_problem_are_carried_over()
    {
        _state.LastChange = new RecordedChange("therapist:dana", "brightness 25%", T0);
        _state.Room.LightsUpOn("therapist:dana", T0.AddSeconds(2));
        var playing = new MusicNowPlaying("calm", 2, "Track 3", 12.5, 200, 30, true, false, "speakers", "playing");

        var snapshot = RoomSnapshotBuilder.Build("r1", _state, _devices, playing, "the disk is full", T0.AddSeconds(3));

        Assert.Equal(new ChangeDto("therapist:dana", "brightness 25%", T0), snapshot.LastChange);
        Assert.Equal(new LightsUpDto(true, T0.AddSeconds(2), "therapist:dana"), snapshot.LightsUp);
        Assert.Equal(new NowPlayingDto("calm", 2, "Track 3", 12.5, 200, 30, true, false, "speakers", "playing"), snapshot.Music!.NowPlaying);
        Assert.Equal(new StorageStatusDto(false, "the disk is full"), snapshot.Storage);
    }
}
