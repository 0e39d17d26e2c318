using SettingControl.Domain;

namespace SettingControl.Domain.Tests;

public class RoomRulesTests
{
    [Fact]
    public void A_brightness_change_keeps_the_colour_temperature_and_on_state()
    {
        var current = new DesiredRoomState(new LightingSetting(true, 40, 2200), MaskSetting.Default);

        var next = RoomRules.Apply(current, new LightingCommand(null, 15, null, 3000));

        Assert.Equal(new LightingSetting(true, 15, 2200), next.Lighting);
        Assert.Equal(current.Mask, next.Mask);
    }

    [Fact]
    public void A_mask_change_leaves_the_lights_alone()
    {
        var current = DesiredRoomState.Default;

        var next = RoomRules.Apply(current, new MaskCommand(true, null));

        Assert.Equal(current.Lighting, next.Lighting);
        Assert.Equal(new MaskSetting(true, 0), next.Mask);
    }

    [Fact]
    public void Defaults_are_warm_and_dim_with_the_mask_light_off()
    {
        Assert.True(DesiredRoomState.Default.Lighting.ColorTempK <= 3000);
        Assert.True(DesiredRoomState.Default.Lighting.Brightness <= 50);
        Assert.False(DesiredRoomState.Default.Mask.On);
    }

    [Theory]
    [InlineData(-1, null, null, "brightness")]
    [InlineData(101, null, null, "brightness")]
    [InlineData(null, 1799, null, "colorTempK")]
    [InlineData(null, 6501, null, "colorTempK")]
    [InlineData(50, null, -5, "transitionMs")]
    [InlineData(50, null, 3_600_001, "transitionMs")]
    public void Out_of_range_lighting_values_are_rejected_naming_the_field(int? brightness, int? colorTemp, int? transition, string field)
    {
        var errors = CommandValidation.Validate(new LightingCommand(null, brightness, colorTemp, transition));

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void Boundary_values_are_accepted()
    {
        Assert.Empty(CommandValidation.Validate(new LightingCommand(true, 0, 1800, 0)));
        Assert.Empty(CommandValidation.Validate(new LightingCommand(false, 100, 6500, 3_600_000)));
        Assert.Empty(CommandValidation.Validate(new MaskCommand(true, 100)));
    }

    [Fact]
    public void An_empty_command_is_rejected()
    {
        Assert.NotEmpty(CommandValidation.Validate(new LightingCommand(null, null, null, 1000)));
        Assert.NotEmpty(CommandValidation.Validate(new MaskCommand(null, null)));
    }

    [Fact]
    public void Mask_light_out_of_range_is_rejected()
    {
        var error = Assert.Single(CommandValidation.Validate(new MaskCommand(true, 120)));
        Assert.Equal("light", error.Field);
    }

    [Fact]
    public void A_light_is_sent_the_nearest_colour_it_can_show()
    {
        var desired = new DesiredRoomState(new LightingSetting(true, 30, 1800), MaskSetting.Default);

        var command = RoomRules.CommandFor("l1", DeviceKind.Light, desired, 2000, new DeviceCapabilities(2000, 6500, 600_000));

        Assert.Equal(2000, command.ColorTempK);
        Assert.Equal(30, command.Brightness);
        Assert.Equal(2000, command.TransitionMs);
        Assert.Null(command.Light);
    }

    [Fact]
    public void A_mask_is_sent_only_mask_fields()
    {
        var desired = new DesiredRoomState(LightingSetting.Default, new MaskSetting(true, 25));

        var command = RoomRules.CommandFor("m1", DeviceKind.Mask, desired, 0);

        Assert.True(command.On);
        Assert.Equal(25, command.Light);
        Assert.Null(command.Brightness);
        Assert.Null(command.ColorTempK);
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
