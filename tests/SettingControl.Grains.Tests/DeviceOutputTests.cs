using SettingControl.Contracts;
using SettingControl.Domain;
using SettingControl.Domain.Program;
using SettingControl.Grains.Rooms;

namespace SettingControl.Grains.Tests;

public sealed class DeviceOutputTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly List<AssignedDevice> _assigned =
    [
        new("light-1", DeviceKind.Light),
        new("light-2", DeviceKind.Light),
        new("mask", DeviceKind.Mask),
    ];

    private readonly RecordingDeviceCommands _sent = new();
    private readonly RoomDevices _devices;
    private readonly DeviceOutput _output;
    private int _scheduled;

    public DeviceOutputTests()
    {
        _devices = new RoomDevices(() => _assigned);
        _output = new DeviceOutput(_sent, _devices, () => _scheduled++);
    }

    /// <summary>Brightness 0 → 100 over <paramref name="fadeMs"/>, colour and mask steady.</summary>
    private static LightProgram Fade(long fadeMs) => new()
    {
        LightsOn = true,
        Brightness = new Ramp(0, 100, T0, fadeMs),
        ColorTempK = Ramp.Steady(6000, T0),
        MaskOn = true,
        MaskLight = Ramp.Steady(20, T0),
    };

    [Fact]
    public async Task A_steady_program_goes_to_every_device_of_the_kind_and_leaves_no_work()
    {
        await _output.SendProgram(Fade(0), DeviceKind.Light, T0);

        Assert.Equal(["light-1", "light-2"], _sent.Sent.Select(c => c.DeviceId));
        Assert.All(_sent.Sent, c => Assert.Equal(new DeviceCommand(c.DeviceId, DeviceKind.Light, true, 100, 6000, null, 0), c));
        Assert.False(_output.HasWork);
        Assert.Equal(0, _scheduled);
    }

    [Fact]
    public async Task A_fade_longer_than_a_device_can_run_is_sent_in_segments()
    {
        _devices.Announce(new DeviceAnnouncement("light-1", "light", "m", "1", null, null, 4000));
        _devices.Announce(new DeviceAnnouncement("light-2", "light", "m", "1", null, null, 4000));
        var lights = Fade(10_000);

        await _output.SendProgram(lights, DeviceKind.Light, T0);

        Assert.All(_sent.Sent, c => Assert.Equal((40, 4000), (c.Brightness!.Value, c.TransitionMs)));
        Assert.Equal(T0.AddSeconds(4), _output.NextSegmentAt);
        Assert.True(_output.HasWork);
        Assert.True(_scheduled > 0);

        await _output.OnTick(lights, T0.AddSeconds(3));
        Assert.Equal(2, _sent.Sent.Count);

        await _output.OnTick(lights, T0.AddSeconds(4));
        var second = _sent.Sent.Skip(2).ToArray();
        Assert.Equal(["light-1", "light-2", "mask"], second.Select(c => c.DeviceId));
        Assert.Equal((80, 4000), (second[0].Brightness!.Value, second[0].TransitionMs));
        Assert.Equal(T0.AddSeconds(8), _output.NextSegmentAt);
    }

    [Fact]
    public async Task A_colour_outside_what_a_light_can_show_is_clamped_to_its_range()
    {
        _devices.Announce(new DeviceAnnouncement("light-1", "light", "m", "1", 2200, 4000, null));

        await _output.SendProgram(Fade(0), DeviceKind.Light, T0);

        Assert.Equal(4000, _sent.For("light-1").Single().ColorTempK);
        Assert.Equal(6000, _sent.For("light-2").Single().ColorTempK);
    }

    [Fact]
    public async Task A_device_restored_while_nothing_moves_gets_the_program_as_it_is()
    {
        await _output.Restore(Fade(0), _assigned[2], T0);

        Assert.Equal(new DeviceCommand("mask", DeviceKind.Mask, true, null, null, 20, 0), _sent.Sent.Single());
        Assert.False(_output.HasWork);
    }

    [Fact]
    public async Task A_device_restored_mid_fade_jumps_to_where_the_fade_is_and_continues_on_the_next_tick()
    {
        var lights = Fade(10_000);

        await _output.Restore(lights, _assigned[0], T0.AddSeconds(5));

        Assert.Equal(new DeviceCommand("light-1", DeviceKind.Light, true, 50, 6000, null, 0), _sent.Sent.Single());
        Assert.True(_output.HasWork);
        Assert.Equal(1, _scheduled);

        await _output.OnTick(lights, T0.AddSeconds(6));

        var continued = _sent.Sent.Last();
        Assert.Equal(("light-1", 100, 4000), (continued.DeviceId, continued.Brightness!.Value, continued.TransitionMs));
        Assert.False(_output.HasWork);
    }

    [Fact]
    public async Task A_restored_device_that_left_the_room_is_not_continued()
    {
        var lights = Fade(10_000);
        await _output.Restore(lights, _assigned[0], T0.AddSeconds(5));
        _assigned.RemoveAt(0);

        await _output.OnTick(lights, T0.AddSeconds(6));

        Assert.Single(_sent.Sent);
        Assert.False(_output.HasWork);
    }
}
