using SettingControl.Domain.Program;
using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

public class LightProgramTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_ramp_is_linear_and_holds_its_target_afterwards()
    {
        var ramp = new Ramp(40, 10, T, 60_000);

        Assert.Equal(40, ramp.ValueAt(T.AddSeconds(-5)));
        Assert.Equal(25, ramp.ValueAt(T.AddSeconds(30)), 3);
        Assert.Equal(10, ramp.ValueAt(T.AddMinutes(5)));
    }

    [Fact]
    public void An_interrupted_fade_continues_from_where_it_had_got_to()
    {
        var ramp = new Ramp(80, 20, T, 60_000);

        var retargeted = ramp.Retarget(50, T.AddSeconds(30), 10_000);

        Assert.Equal(50, retargeted.From, 3);
        Assert.Equal(ramp.ValueAt(T.AddSeconds(30)), retargeted.ValueAt(T.AddSeconds(30)), 3);
    }

    [Fact]
    public void A_long_fade_is_sent_in_segments_a_device_can_do()
    {
        var program = new LightProgram
        {
            Brightness = new Ramp(60, 20, T, 20 * 60_000),
            ColorTempK = new Ramp(3000, 2200, T, 20 * 60_000),
        };

        var first = program.SegmentAt(DeviceKind.Light, T, maxTransitionMs: 600_000);

        Assert.Equal(600_000, first.TransitionMs);
        Assert.Equal(40, first.Brightness);
        Assert.Equal(2600, first.ColorTempK);
        Assert.Equal(T.AddMinutes(10), first.ContinueAt);

        var second = program.SegmentAt(DeviceKind.Light, T.AddMinutes(10), maxTransitionMs: 600_000);
        Assert.Equal((20, 2200, 600_000), (second.Brightness!.Value, second.ColorTempK!.Value, second.TransitionMs));
        Assert.Null(second.ContinueAt);
    }

    [Fact]
    public void A_short_change_inside_a_long_fade_ends_its_segment_where_the_fade_has_got_to()
    {
        // The colour is 15 minutes into a 20-minute ramp when the therapist dims over 10 s.
        var program = new LightProgram
        {
            Brightness = new Ramp(40, 40, T, 0),
            ColorTempK = new Ramp(2200, 3000, T, 20 * 60_000),
        };
        var now = T.AddMinutes(15);
        program.Brightness = program.Brightness.Retarget(10, now, 10_000);

        var segment = program.SegmentAt(DeviceKind.Light, now, 600_000);

        Assert.Equal(10_000, segment.TransitionMs);
        Assert.Equal(10, segment.Brightness);
        Assert.Equal((int)Math.Round(program.ColorTempK.ValueAt(now.AddSeconds(10))), segment.ColorTempK);
        Assert.Equal(now.AddSeconds(10), segment.ContinueAt);
        var rest = program.SegmentAt(DeviceKind.Light, now.AddSeconds(10), 600_000);
        Assert.Equal((10, 3000), (rest.Brightness!.Value, rest.ColorTempK!.Value));
    }

    [Fact]
    public void A_manual_brightness_change_keeps_the_colour_and_on_state()
    {
        var room = new TreatmentRoom(LightProgram.From(new DesiredRoomState(new LightingSetting(true, 40, 2200), MaskSetting.Default), T));

        var change = room.SetLighting(new LightingCommand(null, 15, null, 3000), "therapist:dana", T, ActualLevels.Unknown);

        Assert.False(change.Refused);
        Assert.True(change.LightsChanged);
        Assert.False(change.MaskChanged);
        Assert.Equal(new LightingSetting(true, 15, 2200), room.Lights.Desired.Lighting);
        Assert.Equal(27.5, room.Lights.Brightness.ValueAt(T.AddMilliseconds(1500)), 3);
        var e = Assert.Single(change.Events);
        Assert.Equal(("lighting-changed", "therapist:dana"), (e.Type, e.Actor));
        Assert.Equal(40, e.Before!.Lighting.Brightness);
        Assert.Equal(15, e.After!.Lighting.Brightness);
    }

    [Fact]
    public void A_fade_starts_from_the_light_the_devices_actually_show()
    {
        var room = new TreatmentRoom(LightProgram.From(new DesiredRoomState(new LightingSetting(true, 40, 2700), MaskSetting.Default), T));

        room.SetLighting(new LightingCommand(null, 80, null, 10_000), "t", T, new ActualLevels(100, 4000, null));

        Assert.Equal(100, room.Lights.Brightness.From);
    }

    [Fact]
    public void Defaults_are_warm_and_dim_with_the_mask_light_off()
    {
        Assert.True(DesiredRoomState.Default.Lighting.ColorTempK <= 3000);
        Assert.True(DesiredRoomState.Default.Lighting.Brightness <= 50);
        Assert.False(DesiredRoomState.Default.Mask.On);
        Assert.Equal(DesiredRoomState.Default, new TreatmentRoom().Lights.Desired);
    }

    [Theory]
    [InlineData(-1, null, null, "brightness")]
    [InlineData(101, null, null, "brightness")]
    [InlineData(null, 1799, null, "colorTempK")]
    [InlineData(null, 6501, null, "colorTempK")]
    [InlineData(50, null, -5, "transitionMs")]
    [InlineData(50, null, 3_600_001, "transitionMs")]
    public void Out_of_range_lighting_values_are_rejected_naming_the_field_and_change_nothing(int? brightness, int? colorTemp, int? transition, string field)
    {
        var room = new TreatmentRoom();
        var before = room.Lights.Desired;

        var change = room.SetLighting(new LightingCommand(null, brightness, colorTemp, transition), "t", T, ActualLevels.Unknown);

        var error = Assert.Single(change.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message);
        Assert.Equal(before, room.Lights.Desired);
    }

    [Fact]
    public void Boundary_values_are_accepted()
    {
        Assert.Empty(CommandValidation.Validate(new LightingCommand(true, 0, 1800, 0)));
        Assert.Empty(CommandValidation.Validate(new LightingCommand(false, 100, 6500, 3_600_000)));
        Assert.Empty(CommandValidation.Validate(new MaskCommand(true, 100)));
        Assert.NotEmpty(CommandValidation.Validate(new LightingCommand(null, null, null, 1000)));
        Assert.Equal("light", Assert.Single(CommandValidation.Validate(new MaskCommand(true, 120))).Field);
    }

    [Theory]
    [InlineData("room-1", true)]
    [InlineData("room_2", true)]
    [InlineData("Room-1", false)]
    [InlineData("room/1", false)]
    [InlineData("room+", false)]
    [InlineData("room#", false)]
    [InlineData("", false)]
    [InlineData("-room", false)]
    public void Identifiers_are_restricted_to_url_and_topic_safe_characters(string id, bool valid) =>
        Assert.Equal(valid, Identifiers.IsValid(id));
}
