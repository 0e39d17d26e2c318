namespace SettingControl.FirmwareSim.Model;

/// <summary>The result of one command: a duplicate changes nothing; an applied one may need the fade loop started.</summary>
internal readonly record struct ApplyOutcome(bool Duplicate, DeviceSnapshot Snapshot, long Version, bool StartFadeLoop);

/// <summary>The result of one fade step: <see cref="Changed"/> is null when nothing visible moved; no more steps unless <see cref="More"/>.</summary>
internal readonly record struct AdvanceOutcome(DeviceSnapshot? Changed, long Version, bool More);

/// <summary>
/// The device's actual state behind one lock: the output model, the command-id memory, the counters, a version that
/// orders state reports, and the device's clock (time since it was made, on the given <see cref="TimeProvider"/>).
/// Free of MQTT and of any wire format, so every convention shares it.
/// </summary>
internal sealed class DeviceState
{
    /// <summary>"The last few hundred" command ids, as a small device's RAM would hold.</summary>
    public const int RememberedCommandIds = 500;

    private readonly Lock _lock = new();
    private readonly DeviceModel _model;
    private readonly CommandIdMemory _commandIds = new(RememberedCommandIds);
    private readonly TimeProvider _time;
    private readonly long _origin;
    private long _version;
    private bool _fadeLoopRunning;
    private int _appliedCount;
    private int _duplicateCount;
    private int _malformedCount;

    public DeviceState(string kind, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _model = new DeviceModel(kind);
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>A consistent copy of the actual state.</summary>
    public DeviceSnapshot Current
    {
        get
        {
            lock (_lock)
            {
                return _model.Snapshot;
            }
        }
    }

    public int AppliedCount
    {
        get
        {
            lock (_lock)
            {
                return _appliedCount;
            }
        }
    }

    public int DuplicateCount
    {
        get
        {
            lock (_lock)
            {
                return _duplicateCount;
            }
        }
    }

    public int MalformedCount => Volatile.Read(ref _malformedCount);

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<string> RememberedIds
    {
        get
        {
            lock (_lock)
            {
                return _commandIds.Recent();
            }
        }
    }

    /// <summary>The device's own clock: fades are timed on it.</summary>
    private TimeSpan Now => _time.GetElapsedTime(_origin);

    public void CountMalformed() => Interlocked.Increment(ref _malformedCount);

    /// <summary>
    /// Applies <paramref name="command"/> unless its command id is remembered (one without an id is always applied).
    /// <see cref="ApplyOutcome.StartFadeLoop"/> is true for exactly one caller while a fade is in flight, so one loop
    /// advances it.
    /// </summary>
    public ApplyOutcome Apply(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_lock)
        {
            var duplicate = command.CommandId is { } commandId && !_commandIds.TryRemember(commandId);
            var startFadeLoop = false;
            if (duplicate)
            {
                _duplicateCount++;
            }
            else
            {
                _appliedCount++;
                if (_model.Apply(command, Now))
                {
                    _version++;
                }

                if (_model.IsAnimating && !_fadeLoopRunning)
                {
                    _fadeLoopRunning = true;
                    startFadeLoop = true;
                }
            }

            return new ApplyOutcome(duplicate, _model.Snapshot, _version, startFadeLoop);
        }
    }

    /// <summary>Moves fades to now. When <see cref="AdvanceOutcome.More"/> is false the fade loop is over and the next fade starts a new one.</summary>
    public AdvanceOutcome Advance()
    {
        lock (_lock)
        {
            DeviceSnapshot? changed = null;
            if (_model.Advance(Now))
            {
                changed = _model.Snapshot;
                _version++;
            }

            var more = _model.IsAnimating;
            _fadeLoopRunning = more;
            return new AdvanceOutcome(changed, _version, more);
        }
    }

    /// <summary>Power cycle: factory output and an empty command-id memory (counters are the test's, not the device's, and stay).</summary>
    public (DeviceSnapshot Snapshot, long Version) ResetToFactory()
    {
        lock (_lock)
        {
            _model.ResetToFactory();
            _commandIds.Clear();
            return (_model.Snapshot, ++_version);
        }
    }
}
