namespace SettingControl.FirmwareSim.Tests;

/// <summary>
/// A clock the test moves by hand: timestamps and one-shot timers only, which is all the device's state and fault
/// switches use. Timers fire inside <see cref="Advance"/>, on the test's thread.
/// </summary>
internal sealed class ManualTime : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private TimeSpan _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now.Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, () => callback(state));
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        _now += by;
        foreach (var timer in _timers.Where(t => t.DueAt <= _now).ToArray())
        {
            _timers.Remove(timer);
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualTime time, Action fire) : ITimer
    {
        public TimeSpan DueAt { get; private set; }

        public void Fire() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            time._timers.Remove(this);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                DueAt = time._now + dueTime;
                time._timers.Add(this);
            }

            return true;
        }

        public void Dispose() => time._timers.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
