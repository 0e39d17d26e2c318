using SettingControl.FirmwareSim.Faults;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>The fault switches alone, on a hand-moved clock: when the go-offline timer is armed, re-armed and disarmed.</summary>
public sealed class FaultSwitchesTests
{
    private static (FaultSwitches Faults, ManualTime Time, Func<int> Fired) Make()
    {
        var time = new ManualTime();
        var fired = 0;
        var faults = new FaultSwitches(time, () =>
        {
            fired++;
            return Task.CompletedTask;
        });
        return (faults, time, () => fired);
    }

    [Fact]
    public void Go_offline_fires_once_the_given_time_after_start()
    {
        var (faults, time, fired) = Make();
        faults.GoOfflineAfter = TimeSpan.FromSeconds(30);

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, fired());

        faults.Started();
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, fired());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired());
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, fired());
    }

    [Fact]
    public void Setting_it_while_running_arms_it_from_now_and_null_disarms_it()
    {
        var (faults, time, fired) = Make();
        faults.Started();
        time.Advance(TimeSpan.FromSeconds(10));

        faults.GoOfflineAfter = TimeSpan.FromSeconds(5);
        time.Advance(TimeSpan.FromSeconds(4));
        faults.GoOfflineAfter = null;
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, fired());
        Assert.Null(faults.GoOfflineAfter);

        faults.GoOfflineAfter = TimeSpan.FromSeconds(5);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, fired());
    }

    [Fact]
    public void Stopping_disarms_it_and_every_start_rearms_it()
    {
        var (faults, time, fired) = Make();
        faults.GoOfflineAfter = TimeSpan.FromSeconds(5);
        faults.Started();
        time.Advance(TimeSpan.FromSeconds(3));
        faults.Stopped();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, fired());

        faults.Started();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, fired());

        faults.Started();
        faults.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, fired());
    }

    [Fact]
    public void Command_delay_is_never_negative_and_drop_is_a_plain_switch()
    {
        var (faults, _, _) = Make();

        faults.CommandDelay = TimeSpan.FromMilliseconds(-5);
        Assert.Equal(TimeSpan.Zero, faults.CommandDelay);
        faults.CommandDelay = TimeSpan.FromMilliseconds(300);
        Assert.Equal(TimeSpan.FromMilliseconds(300), faults.CommandDelay);

        Assert.False(faults.DropCommands);
        faults.DropCommands = true;
        Assert.True(faults.DropCommands);
    }
}
