using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>The fade arithmetic, with explicit timestamps: no broker, no clock.</summary>
public sealed class DeviceModelTests
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private static DeviceCommand Set(int transitionMs, bool? on = null, int? brightness = null, int? colorTempK = null, int? light = null) =>
        new("cmd", transitionMs, on, brightness, colorTempK, light);

    [Fact]
    public void Factory_state_is_on_full_and_4000K_for_lights_and_on_full_worn_charged_for_masks()
    {
        Assert.Equal(new DeviceSnapshot(true, 100, 4000, null, null, null), new DeviceModel(DeviceKinds.Light).Snapshot);
        Assert.Equal(new DeviceSnapshot(true, null, null, 100, true, 100), new DeviceModel(DeviceKinds.Mask).Snapshot);
    }

    [Fact]
    public void Fade_is_linear_in_integers_and_ends_exactly_at_the_target()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(1000, brightness: 0, colorTempK: 3000), Ms(0));

        Assert.True(model.IsAnimating);
        model.Advance(Ms(250));
        Assert.Equal((75, 3750), (model.Snapshot.Brightness, model.Snapshot.ColorTempK));
        model.Advance(Ms(500));
        Assert.Equal((50, 3500), (model.Snapshot.Brightness, model.Snapshot.ColorTempK));
        model.Advance(Ms(999));
        Assert.Equal(1, model.Snapshot.Brightness);
        model.Advance(Ms(1000));
        Assert.Equal((0, 3000), (model.Snapshot.Brightness, model.Snapshot.ColorTempK));
        Assert.False(model.IsAnimating);
    }

    [Fact]
    public void Fade_values_are_monotonic()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(7000, brightness: 3), Ms(0));
        var previous = 100;
        for (var t = 0; t <= 7000; t += 37)
        {
            model.Advance(Ms(t));
            Assert.InRange(model.Snapshot.Brightness!.Value, 3, previous);
            previous = model.Snapshot.Brightness.Value;
        }
    }

    [Fact]
    public void Interrupted_fade_continues_from_the_current_level_without_a_jump()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(1000, brightness: 0), Ms(0));
        model.Advance(Ms(500));
        Assert.Equal(50, model.Snapshot.Brightness);

        model.Apply(Set(1000, brightness: 100), Ms(500));
        Assert.Equal(50, model.Snapshot.Brightness);
        model.Advance(Ms(1000));
        Assert.Equal(75, model.Snapshot.Brightness);
        model.Advance(Ms(1500));
        Assert.Equal(100, model.Snapshot.Brightness);
        Assert.False(model.IsAnimating);
    }

    [Fact]
    public void A_command_that_leaves_a_field_out_lets_that_fields_fade_continue()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(1000, brightness: 0), Ms(0));
        model.Advance(Ms(500));
        model.Apply(Set(0, colorTempK: 2700), Ms(500));

        Assert.Equal((50, 2700), (model.Snapshot.Brightness, model.Snapshot.ColorTempK));
        model.Advance(Ms(1000));
        Assert.Equal(0, model.Snapshot.Brightness);
    }

    [Fact]
    public void Off_happens_at_the_end_of_the_fade_and_keeps_the_brightness()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(1000, on: false, brightness: 40), Ms(0));

        model.Advance(Ms(999));
        Assert.True(model.Snapshot.On);
        model.Advance(Ms(1000));
        Assert.Equal(new DeviceSnapshot(false, 40, 4000, null, null, null), model.Snapshot);
    }

    [Fact]
    public void On_happens_at_the_start_of_the_fade()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(0, on: false), Ms(0));
        Assert.False(model.Snapshot.On);

        model.Apply(Set(1000, on: true, brightness: 20), Ms(10));
        Assert.True(model.Snapshot.On);
        Assert.Equal(100, model.Snapshot.Brightness);
    }

    [Fact]
    public void On_cancels_a_pending_off()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(1000, on: false), Ms(0));
        model.Apply(Set(0, on: true), Ms(100));
        model.Advance(Ms(2000));
        Assert.True(model.Snapshot.On);
        Assert.False(model.IsAnimating);
    }

    [Theory]
    [InlineData(1000, 2000)]
    [InlineData(9000, 6500)]
    [InlineData(2700, 2700)]
    public void Lights_clamp_colour_temperature_into_their_range(int requested, int expected)
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(0, colorTempK: requested), Ms(0));
        Assert.Equal(expected, model.Snapshot.ColorTempK);
    }

    [Fact]
    public void Transitions_longer_than_the_maximum_are_clamped()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(int.MaxValue, brightness: 0), Ms(0));
        model.Advance(Ms(DeviceModel.MaxTransitionMs));
        Assert.Equal(0, model.Snapshot.Brightness);
        Assert.False(model.IsAnimating);
    }

    [Fact]
    public void Masks_fade_light_and_ignore_light_only_fields()
    {
        var model = new DeviceModel(DeviceKinds.Mask);
        model.Apply(Set(1000, brightness: 5, colorTempK: 2000, light: 0), Ms(0));
        model.Advance(Ms(500));
        Assert.Equal(new DeviceSnapshot(true, null, null, 50, true, 100), model.Snapshot);
        model.Advance(Ms(1000));
        Assert.Equal(0, model.Snapshot.Light);
    }

    [Fact]
    public void Reset_restores_factory_state_and_cancels_fades()
    {
        var model = new DeviceModel(DeviceKinds.Light);
        model.Apply(Set(1000, on: false, brightness: 0, colorTempK: 2500), Ms(0));
        model.Advance(Ms(500));
        model.ResetToFactory();
        Assert.False(model.IsAnimating);
        Assert.Equal(new DeviceSnapshot(true, 100, 4000, null, null, null), model.Snapshot);
    }

    [Fact]
    public void Command_id_memory_forgets_the_oldest_beyond_its_capacity()
    {
        var memory = new CommandIdMemory(3);
        Assert.True(memory.TryRemember("a"));
        Assert.False(memory.TryRemember("a"));
        Assert.True(memory.TryRemember("b"));
        Assert.True(memory.TryRemember("c"));
        Assert.True(memory.TryRemember("d"));
        Assert.Equal(["b", "c", "d"], memory.Recent());
        Assert.True(memory.TryRemember("a"));
    }
}
