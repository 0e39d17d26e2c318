namespace SettingControl.FirmwareSim.Faults;

/// <summary>
/// The switches that make a device misbehave on purpose, changeable while it runs. They say what to do; the device
/// does it (<c>SimulatedClient</c> drops or delays commands, and crashes when the go-offline timer fires).
/// </summary>
/// <param name="time">Runs the go-offline timer: it is the device's "physics", not the network's.</param>
/// <param name="goOffline">Called when the go-offline timer fires.</param>
internal sealed class FaultSwitches(TimeProvider time, Func<Task> goOffline) : IDisposable
{
    private readonly Lock _timerLock = new();
    private ITimer? _goOfflineTimer;
    private TimeSpan? _goOfflineAfter;
    private bool _running;
    private long _commandDelayTicks;
    private volatile bool _dropCommands;

    /// <summary>Ignore every incoming command (neither applied nor counted).</summary>
    public bool DropCommands
    {
        get => _dropCommands;
        set => _dropCommands = value;
    }

    /// <summary>Apply each command this much later than it arrives; negative means none.</summary>
    public TimeSpan CommandDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _commandDelayTicks));
        set => Interlocked.Exchange(ref _commandDelayTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>Go offline this long after <see cref="Started"/>, or after being set while running; <c>null</c> disarms it.</summary>
    public TimeSpan? GoOfflineAfter
    {
        get
        {
            lock (_timerLock)
            {
                return _goOfflineAfter;
            }
        }

        set
        {
            lock (_timerLock)
            {
                _goOfflineAfter = value;
                if (_running)
                {
                    ArmGoOfflineTimerLocked();
                }
            }
        }
    }

    /// <summary>The device started: the go-offline timer is (re-)armed.</summary>
    public void Started()
    {
        lock (_timerLock)
        {
            _running = true;
            ArmGoOfflineTimerLocked();
        }
    }

    /// <summary>The device stopped, crashed or is rebooting: the go-offline timer is disarmed until the next start.</summary>
    public void Stopped()
    {
        lock (_timerLock)
        {
            _running = false;
            _goOfflineTimer?.Dispose();
            _goOfflineTimer = null;
        }
    }

    public void Dispose()
    {
        lock (_timerLock)
        {
            _goOfflineTimer?.Dispose();
            _goOfflineTimer = null;
        }
    }

    private void ArmGoOfflineTimerLocked()
    {
        _goOfflineTimer?.Dispose();
        _goOfflineTimer = _goOfflineAfter is { } after
            ? time.CreateTimer(_ => _ = goOffline(), null, after, Timeout.InfiniteTimeSpan)
            : null;
    }
}
