using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>The device's state holder on a hand-moved clock: deduplication, counters, versions and when a fade loop is due.</summary>
public sealed class DeviceStateTests
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private static DeviceCommand Set(string id, int transitionMs, int? brightness = null, bool? on = null) =>
        new(id, transitionMs, on, brightness);

    [Fact]
    public void A_command_id_is_applied_once_and_the_repeat_is_counted_as_a_duplicate()
    {
        var state = new DeviceState(DeviceKinds.Light, new ManualTime());

        var first = state.Apply(Set("c1", 0, brightness: 40));
        var repeat = state.Apply(Set("c1", 0, brightness: 90));

        Assert.False(first.Duplicate);
        Assert.True(repeat.Duplicate);
        Assert.Equal(40, state.Current.Brightness);
        Assert.Equal(repeat.Snapshot, state.Current);
        Assert.Equal((1, 1), (state.AppliedCount, state.DuplicateCount));
        Assert.Equal(["c1"], state.RememberedIds);
    }

    [Fact]
    public void A_command_without_an_id_is_always_applied_and_never_remembered()
    {
        var state = new DeviceState(DeviceKinds.Light, new ManualTime());

        var first = state.Apply(new DeviceCommand(null, 0, Brightness: 40));
        var second = state.Apply(new DeviceCommand(null, 0, Brightness: 90));

        Assert.False(first.Duplicate);
        Assert.False(second.Duplicate);
        Assert.Equal(90, state.Current.Brightness);
        Assert.Equal((2, 0), (state.AppliedCount, state.DuplicateCount));
        Assert.Empty(state.RememberedIds);
    }

    [Fact]
    public void The_version_moves_only_when_the_visible_state_changes()
    {
        var state = new DeviceState(DeviceKinds.Light, new ManualTime());

        var change = state.Apply(Set("c1", 0, brightness: 40));
        var noChange = state.Apply(Set("c2", 0, brightness: 40));
        var repeat = state.Apply(Set("c1", 0, brightness: 40));

        Assert.Equal(1, change.Version);
        Assert.Equal(1, noChange.Version);
        Assert.Equal(1, repeat.Version);
        Assert.Equal(2, state.AppliedCount);
    }

    [Fact]
    public void Fades_run_on_the_given_clock_and_exactly_one_caller_is_told_to_start_the_fade_loop()
    {
        var time = new ManualTime();
        var state = new DeviceState(DeviceKinds.Light, time);

        var start = state.Apply(Set("c1", 1000, brightness: 0));
        var joined = state.Apply(Set("c2", 1000, brightness: 50));

        Assert.True(start.StartFadeLoop);
        Assert.False(joined.StartFadeLoop);

        time.Advance(Ms(500));
        var middle = state.Advance();
        Assert.Equal(75, middle.Changed?.Brightness);
        Assert.True(middle.More);
        Assert.True(middle.Version > joined.Version);

        var unchanged = state.Advance();
        Assert.Null(unchanged.Changed);
        Assert.Equal(middle.Version, unchanged.Version);

        time.Advance(Ms(500));
        var end = state.Advance();
        Assert.Equal(50, end.Changed?.Brightness);
        Assert.False(end.More);

        // The loop ended, so the next fade starts a new one.
        Assert.True(state.Apply(Set("c3", 1000, brightness: 10)).StartFadeLoop);
    }

    [Fact]
    public void A_command_without_a_fade_needs_no_fade_loop()
    {
        var state = new DeviceState(DeviceKinds.Mask, new ManualTime());

        var outcome = state.Apply(Set("c1", 0, on: false));

        Assert.False(outcome.StartFadeLoop);
        Assert.False(outcome.Snapshot.On);
    }

    [Fact]
    public void Reset_to_factory_forgets_command_ids_keeps_the_counters_and_moves_the_version()
    {
        var state = new DeviceState(DeviceKinds.Light, new ManualTime());
        var applied = state.Apply(Set("c1", 0, brightness: 10, on: false));
        state.CountMalformed();

        var (snapshot, version) = state.ResetToFactory();

        Assert.Equal(new DeviceSnapshot(true, 100, 4000, null, null, null), snapshot);
        Assert.Equal(snapshot, state.Current);
        Assert.True(version > applied.Version);
        Assert.Empty(state.RememberedIds);
        Assert.Equal((1, 0, 1), (state.AppliedCount, state.DuplicateCount, state.MalformedCount));
        Assert.False(state.Apply(Set("c1", 0, brightness: 10)).Duplicate);
    }

    [Fact]
    public void The_command_id_memory_holds_the_last_five_hundred()
    {
        var state = new DeviceState(DeviceKinds.Light, new ManualTime());
        for (var i = 0; i <= DeviceState.RememberedCommandIds; i++)
        {
            state.Apply(Set($"c{i}", 0, brightness: i % 100));
        }

        Assert.Equal(DeviceState.RememberedCommandIds, state.RememberedIds.Count);
        Assert.Equal("c1", state.RememberedIds[0]);
        Assert.False(state.Apply(Set("c0", 0)).Duplicate);
    }
}
