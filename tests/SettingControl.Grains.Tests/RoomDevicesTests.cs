using SettingControl.Contracts;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;
using SettingControl.Grains.Rooms;

namespace SettingControl.Grains.Tests;

public sealed class RoomDevicesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly List<AssignedDevice> _assigned =
    [
        new("light-1", DeviceKind.Light),
        new("light-2", DeviceKind.Light),
        new("mask", DeviceKind.Mask),
    ];

    private readonly RoomDevices _devices;

    public RoomDevicesTests() => _devices = new RoomDevices(() => _assigned);

    private static DeviceStateReport Light(int brightness, int colorTempK, DateTimeOffset at) =>
        new(new ActualStateDto(true, brightness, colorTempK, null, null, null), at);

    private static DeviceStateReport Mask(int light, DateTimeOffset at) =>
        new(new ActualStateDto(true, null, null, light, true, 80), at);

    [Fact]
    public void Reports_from_a_device_the_room_was_not_given_are_ignored()
    {
        Assert.False(_devices.Announce(new DeviceAnnouncement("stranger", "light", "m", "1.0", 2000, 5000, 1000)));
        Assert.Null(_devices.ReportAvailability("stranger", true, T0));
        Assert.False(_devices.ReportState("stranger", Light(50, 3000, T0)));
        Assert.Null(_devices.Find("stranger"));
    }

    [Fact]
    public void An_announcement_keeps_model_firmware_and_capabilities()
    {
        Assert.True(_devices.Announce(new DeviceAnnouncement("light-1", "light", "Bulb X", "2.1", 2200, 4000, 6000)));

        var live = _devices.Find("light-1")!;
        Assert.Equal("Bulb X", live.Model);
        Assert.Equal("2.1", live.Firmware);
        Assert.Equal(new DeviceCapabilities(2200, 4000, 6000), _devices.CapabilitiesOf("light-1"));
    }

    [Fact]
    public void Missing_announced_limits_fall_back_to_the_system_ranges()
    {
        _devices.Announce(new DeviceAnnouncement("light-1", "light", "m", "1", 2200, 4000, null));
        _devices.Announce(new DeviceAnnouncement("light-2", "light", "m", "1", null, null, 3000));
        _devices.Announce(new DeviceAnnouncement("mask", "mask", "m", "1", null, null, null));

        Assert.Equal(new DeviceCapabilities(2200, 4000, Ranges.MaxTransitionMs), _devices.CapabilitiesOf("light-1"));
        Assert.Equal(new DeviceCapabilities(Ranges.MinColorTempK, Ranges.MaxColorTempK, 3000), _devices.CapabilitiesOf("light-2"));
        Assert.Null(_devices.CapabilitiesOf("mask"));
    }

    [Fact]
    public void Availability_says_whether_it_changed_and_notes_when_the_device_was_seen()
    {
        var first = _devices.ReportAvailability("light-1", true, T0);
        var again = _devices.ReportAvailability("light-1", true, T0.AddSeconds(5));
        var dropped = _devices.ReportAvailability("light-1", false, T0.AddSeconds(9));

        Assert.Equal((_assigned[0], true), first);
        Assert.Equal((_assigned[0], false), again);
        Assert.Equal((_assigned[0], true), dropped);
        Assert.Equal(DeviceAvailability.Offline, _devices.Find("light-1")!.Availability);
        Assert.Equal(T0.AddSeconds(9), _devices.Find("light-1")!.LastSeen);
    }

    [Fact]
    public void A_repeated_state_report_is_no_change_but_still_counts_as_seen()
    {
        Assert.True(_devices.ReportState("light-1", Light(40, 2700, T0)));
        Assert.False(_devices.ReportState("light-1", Light(40, 2700, T0.AddSeconds(1))));
        Assert.True(_devices.ReportState("light-1", Light(41, 2700, T0.AddSeconds(2))));

        Assert.Equal(T0.AddSeconds(2), _devices.Find("light-1")!.LastSeen);
        Assert.Equal(new DeviceActualState(true, 41, 2700, null, null, null), _devices.Find("light-1")!.Actual);
    }

    [Fact]
    public void Actual_levels_are_the_mean_over_online_devices_that_reported_them()
    {
        foreach (var d in _assigned)
        {
            _devices.ReportAvailability(d.DeviceId, true, T0);
        }

        _devices.ReportState("light-1", Light(20, 2000, T0));
        _devices.ReportState("light-2", Light(60, 4000, T0));
        _devices.ReportState("mask", Mask(30, T0));

        Assert.Equal(new ActualLevels(40, 3000, 30), _devices.Actual());

        _devices.ReportAvailability("light-2", false, T0.AddSeconds(1));
        Assert.Equal(new ActualLevels(20, 2000, 30), _devices.Actual());
    }

    [Fact]
    public void Without_reports_from_online_devices_the_levels_are_unknown()
    {
        _devices.ReportState("light-1", Light(20, 2000, T0));

        Assert.Equal(new ActualLevels(null, null, null), _devices.Actual());
    }

    [Fact]
    public void A_device_removed_from_the_room_no_longer_counts()
    {
        _devices.ReportAvailability("light-1", true, T0);
        _devices.ReportState("light-1", Light(20, 2000, T0));
        _assigned.RemoveAt(0);

        Assert.Equal(new ActualLevels(null, null, null), _devices.Actual());
        Assert.False(_devices.TryGetAssigned("light-1", out _));
    }

    [Fact]
    public void Actual_devices_list_every_assigned_device_with_its_wire_availability()
    {
        _devices.ReportAvailability("light-1", true, T0);
        _devices.ReportState("light-1", Light(20, 2000, T0));
        _devices.ReportAvailability("mask", false, T0);

        var actual = _devices.ActualDevices();

        Assert.Equal(["light-1", "light-2", "mask"], actual.Select(a => a.DeviceId));
        Assert.Equal(["online", "unknown", "offline"], actual.Select(a => a.Availability));
        Assert.Equal(new ActualStateDto(true, 20, 2000, null, null, null), actual[0].Actual);
        Assert.Null(actual[1].Actual);
    }

    [Fact]
    public void A_flapping_device_stops_filling_the_record_and_is_summed_up_later()
    {
        var events = Enumerable.Range(0, DeviceFlapGuard.Budget + 3)
            .Select(i => _devices.RecordAvailability("light-1", i % 2 == 0, T0.AddSeconds(i), "Onset"))
            .ToArray();

        Assert.All(events.Take(DeviceFlapGuard.Budget), e => Assert.StartsWith("device-o", e!.Type));
        Assert.Equal("device-flapping", events[DeviceFlapGuard.Budget]!.Type);
        Assert.All(events.Skip(DeviceFlapGuard.Budget + 1), Assert.Null);
        Assert.Equal("device:light-1", events[0]!.Actor);
        Assert.Equal("Onset", events[0]!.Phase);

        var summary = _devices.RecordAvailability("light-1", true, T0 + DeviceFlapGuard.Window + TimeSpan.FromSeconds(1), "Peak");
        Assert.Equal("device-flapping", summary!.Type);
        Assert.Equal("light-1 changed between online and offline 2 more times; now online", summary.Summary);
    }
}
