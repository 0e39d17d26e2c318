namespace SettingControl.Grains.Rooms;

/// <summary>
/// The room's one-second clock. It runs only while the room has work of its own (a state to retry storing, a
/// session's phase clock and reminders, fade segments still to send, lights on the move), so an idle room holds no
/// timer. Whatever gives the room such work calls <see cref="EnsureRunning"/>; each tick ends with <see cref="StopWhenIdle"/>.
/// </summary>
internal sealed class RoomClock
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly RoomStorage _storage;
    private readonly DeviceOutput _output;
    private readonly TimeProvider _time;
    private readonly Func<IGrainTimer> _start;
    private IGrainTimer? _timer;

    /// <param name="start">Registers the grain's timer, ticking every <see cref="Period"/>.</param>
    public RoomClock(RoomStorage storage, DeviceOutput output, TimeProvider time, Func<IGrainTimer> start)
    {
        _storage = storage;
        _output = output;
        _time = time;
        _start = start;
    }

    public bool Running => _timer is not null;

    /// <summary>Starts the clock if the room has work for it. A room that does not exist (yet) starts none.</summary>
    public void EnsureRunning()
    {
        if (_timer is null && _storage.State.Provisioned && HasWork(_time.GetUtcNow()))
        {
            _timer = _start();
        }
    }

    /// <summary>Stops the clock once nothing is left for it.</summary>
    public void StopWhenIdle(DateTimeOffset now)
    {
        if (!HasWork(now))
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private bool HasWork(DateTimeOffset now)
    {
        var room = _storage.State.Room;
        return _storage.Problem is not null || room.ActiveSession is not null || _output.HasWork || room.Lights.IsMovingAt(now);
    }
}
