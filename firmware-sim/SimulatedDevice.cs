using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Faults;
using SettingControl.FirmwareSim.Model;
using SettingControl.FirmwareSim.Wire;

namespace SettingControl.FirmwareSim;

/// <summary>
/// One simulated light or eye mask speaking device protocol v1 over MQTT: it announces itself, reports its actual
/// state (retained), performs fades itself, applies each command id once and reconnects on its own. Fault switches
/// let tests and demos make it misbehave on purpose.
/// </summary>
/// <remarks>
/// <para>The facade over the parts: <see cref="DeviceState"/> (what the device is), <see cref="DeviceConnection"/>
/// (MQTT), <see cref="IDeviceWire"/> (what it says, here <see cref="SettingControlV1Wire"/>) and
/// <see cref="FaultSwitches"/>. This class orders them: lifecycle, commands, fades and the state event.</para>
/// <para>The device's "physics" (fades, command delay, <see cref="GoOfflineAfter"/>, reboot downtime) run on the given
/// <see cref="TimeProvider"/>; network retries and <see cref="WaitUntilAsync"/> timeouts use wall-clock time, as they
/// are about the real broker and the real caller.</para>
/// </remarks>
public sealed partial class SimulatedDevice : IAsyncDisposable
{
    /// <summary>Lets the broker publish the old connection's will before the rebooted device says "online" again.</summary>
    private static readonly TimeSpan RebootDowntime = TimeSpan.FromSeconds(1);

    private readonly SimulatedDeviceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDeviceWire _wire;
    private readonly DeviceState _state;
    private readonly DeviceConnection _connection;
    private readonly FaultSwitches _faults;

    // Keeps StateChanged in order: a snapshot older than one already raised is not raised.
    private readonly Lock _eventLock = new();
    private long _lastRaisedVersion;

    // Connection lifecycle (start, stop, crash, reboot).
    private readonly SemaphoreSlim _lifecycleGate = new(1, 1);

    private readonly CancellationTokenSource _disposeCts = new();
    private int _disposed;

    public SimulatedDevice(SimulatedDeviceOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _wire = new SettingControlV1Wire(options);
        _state = new DeviceState(options.Kind, _time);
        _connection = new DeviceConnection(options, _wire, () => _state.Current, OnMessageReceivedAsync, _logger);
        _faults = new FaultSwitches(_time, GoOfflineNowAsync);
    }

    /// <summary>
    /// Raised after every change of the actual state, in order and one at a time (never under the state lock, so a
    /// handler may read <see cref="Current"/>). Keep handlers quick: they run on the device's command and fade path.
    /// </summary>
    public event Action<DeviceSnapshot>? StateChanged;

    public string DeviceId => _options.DeviceId;

    public string Kind => _options.Kind;

    /// <summary>Connected to the broker and announced.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>A consistent copy of the actual state.</summary>
    public DeviceSnapshot Current => _state.Current;

    public int AppliedCommandCount => _state.AppliedCount;

    public int DuplicateCommandCount => _state.DuplicateCount;

    public int MalformedCommandCount => _state.MalformedCount;

    /// <summary>The command ids the device still remembers, oldest first (cleared by a reboot, like RAM).</summary>
    public IReadOnlyList<string> AppliedCommandIds => _state.RememberedIds;

    /// <summary>Fault switch: ignore every incoming <c>set</c> (neither applied nor counted).</summary>
    public bool DropCommands
    {
        get => _faults.DropCommands;
        set => _faults.DropCommands = value;
    }

    /// <summary>Fault switch: apply each <c>set</c> this much later than it arrives.</summary>
    public TimeSpan CommandDelay
    {
        get => _faults.CommandDelay;
        set => _faults.CommandDelay = value;
    }

    /// <summary>
    /// Fault switch: crash (as <see cref="CrashAsync"/>) this long after <see cref="StartAsync"/>, or after being set
    /// while running. Re-armed by every start; <c>null</c> disarms it.
    /// </summary>
    public TimeSpan? GoOfflineAfter
    {
        get => _faults.GoOfflineAfter;
        set => _faults.GoOfflineAfter = value;
    }

    /// <summary>
    /// Starts the device: connects (retrying until connected or cancelled) with a retained <c>offline</c> last will,
    /// subscribes to its <c>set</c> topic and publishes retained announce, <c>online</c> and state. A background loop
    /// then keeps it connected. Completes once connected; does nothing more if already running.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (the device is then left down), or the
    /// device was stopped, crashed or disposed before it first connected.</exception>
    public async Task StartAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Task connected;
        await _lifecycleGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_connection.IsRunning)
            {
                _connection.StartRunning();
                _faults.Started();
            }

            connected = _connection.FirstConnection;
        }
        finally
        {
            _lifecycleGate.Release();
        }

        try
        {
            await connected.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller gave up: do not leave a reconnect loop running behind its back.
            await CrashAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Graceful shutdown: publishes retained <c>offline</c>, then sends an MQTT DISCONNECT (no will).</summary>
    public async Task StopAsync()
    {
        await _lifecycleGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _faults.Stopped();
            await _connection.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>
    /// Abrupt failure: the TCP connection is closed without an MQTT DISCONNECT, so the broker publishes the retained
    /// <c>offline</c> last will. The device stays down until <see cref="StartAsync"/>; its state is kept.
    /// </summary>
    public async Task CrashAsync()
    {
        await _lifecycleGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _faults.Stopped();
            if (await _connection.CrashAsync().ConfigureAwait(false))
            {
                LogCrashed(DeviceId);
            }
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>
    /// Power cycle: abrupt drop (the broker publishes the will), factory state, command memory cleared, a short boot,
    /// then connect and announce with <c>online</c> again. Completes once the device is back online.
    /// </summary>
    public async Task RebootAsync()
    {
        await _lifecycleGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _faults.Stopped();
            await _connection.CrashAsync().ConfigureAwait(false);
            var (snapshot, version) = _state.ResetToFactory();
            RaiseStateChanged(snapshot, version);
            LogRebooting(DeviceId);
        }
        finally
        {
            _lifecycleGate.Release();
        }

        await Task.Delay(RebootDowntime, _time, _disposeCts.Token).ConfigureAwait(false);
        await StartAsync(_disposeCts.Token).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for the actual state; false on timeout.</summary>
    public async Task<bool> WaitUntilAsync(Func<DeviceSnapshot, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var matched = NewCompletion();

        void OnChanged(DeviceSnapshot snapshot)
        {
            try
            {
                if (predicate(snapshot))
                {
                    matched.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                matched.TrySetException(ex);
            }
        }

        StateChanged += OnChanged;
        try
        {
            // Checked after subscribing so a change between the two cannot be missed.
            if (predicate(Current))
            {
                return true;
            }

            await matched.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            StateChanged -= OnChanged;
        }
    }

    /// <summary>
    /// Publishes <paramref name="count"/> malformed retained payloads (random bytes, truncated JSON, wrong types,
    /// out-of-range numbers, oversized and non-UTF-8 payloads) on the device's own announce, state and availability
    /// topics, then re-publishes its valid announce, <c>online</c> and state so the retained topics end valid.
    /// </summary>
    public async Task SendGarbageAsync(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        await _connection.PublishGarbageAsync(count, new Random(seed)).ConfigureAwait(false);
        LogGarbageSent(DeviceId, count);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await _disposeCts.CancelAsync().ConfigureAwait(false);
        _faults.Dispose();
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task GoOfflineNowAsync()
    {
        LogGoingOffline(DeviceId);
        try
        {
            await CrashAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: already offline.
        }
    }
}
