using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim;

/// <summary>
/// One simulated light or eye mask speaking device protocol v1 over MQTT: it announces itself, reports its actual
/// state (retained), performs fades itself, applies each command id once and reconnects on its own. Fault switches
/// let tests and demos make it misbehave on purpose.
/// </summary>
/// <remarks>
/// The device's "physics" (fades, command delay, <see cref="GoOfflineAfter"/>, reboot downtime) run on the given
/// <see cref="TimeProvider"/>; network retries and <see cref="WaitUntilAsync"/> timeouts use wall-clock time, as they
/// are about the real broker and the real caller.
/// </remarks>
public sealed partial class SimulatedDevice : IAsyncDisposable
{
    /// <summary>"The last few hundred" command ids, as a small device's RAM would hold.</summary>
    private const int RememberedCommandIds = 500;

    /// <summary>Bounds every broker round trip: with a cancellable token MQTTnet applies no timeout of its own.</summary>
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Lets the broker publish the old connection's will before the rebooted device says "online" again.</summary>
    private static readonly TimeSpan RebootDowntime = TimeSpan.FromSeconds(1);

    private static readonly byte[] OnlinePayload = PayloadWriter.WriteAvailability(online: true);
    private static readonly byte[] OfflinePayload = PayloadWriter.WriteAvailability(online: false);

    private readonly SimulatedDeviceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DeviceTopics _topics;
    private readonly byte[] _announcePayload;
    private readonly long _origin;
    private readonly MqttClientFactory _clientFactory = new();

    // Actual state, command memory and counters; guarded by _stateLock.
    private readonly Lock _stateLock = new();
    private readonly DeviceModel _model;
    private readonly CommandIdMemory _commandIds = new(RememberedCommandIds);
    private long _stateVersion;
    private bool _fadeLoopRunning;
    private int _appliedCount;
    private int _duplicateCount;
    private int _malformedCount;

    // Keeps StateChanged in order: a snapshot older than one already raised is not raised.
    private readonly Lock _eventLock = new();
    private long _lastRaisedVersion;

    // Every publish goes through this gate and takes its snapshot inside it, so retained topics end on the latest value.
    private readonly SemaphoreSlim _publishGate = new(1, 1);

    // Connection lifecycle (start, stop, crash, reboot); guarded by _lifecycleGate.
    private readonly SemaphoreSlim _lifecycleGate = new(1, 1);
    private CancellationTokenSource? _runCts;
    private Task? _supervisor;
    private TaskCompletionSource _firstConnection = NewCompletion();
    private volatile IMqttClient? _client;
    private volatile bool _announced;

    // Fault switches.
    private readonly Lock _timerLock = new();
    private ITimer? _goOfflineTimer;
    private TimeSpan? _goOfflineAfter;
    private bool _running;
    private long _commandDelayTicks;
    private volatile bool _dropCommands;

    private readonly CancellationTokenSource _disposeCts = new();
    private int _disposed;

    public SimulatedDevice(SimulatedDeviceOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _topics = new DeviceTopics(options.BaseTopic);
        _model = new DeviceModel(options.Kind);
        _origin = _time.GetTimestamp();
        _announcePayload = PayloadWriter.Write(new AnnouncePayload(
            options.DeviceId, options.Kind, options.Model, options.Firmware, DeviceModel.CapabilitiesFor(options.Kind)));
    }

    /// <summary>
    /// Raised after every change of the actual state, in order and one at a time (never under the state lock, so a
    /// handler may read <see cref="Current"/>). Keep handlers quick: they run on the device's command and fade path.
    /// </summary>
    public event Action<DeviceSnapshot>? StateChanged;

    public string DeviceId => _options.DeviceId;

    public string Kind => _options.Kind;

    /// <summary>Connected to the broker and announced.</summary>
    public bool IsConnected => _announced && _client is { IsConnected: true };

    /// <summary>A consistent copy of the actual state.</summary>
    public DeviceSnapshot Current
    {
        get
        {
            lock (_stateLock)
            {
                return _model.Snapshot;
            }
        }
    }

    public int AppliedCommandCount
    {
        get
        {
            lock (_stateLock)
            {
                return _appliedCount;
            }
        }
    }

    public int DuplicateCommandCount
    {
        get
        {
            lock (_stateLock)
            {
                return _duplicateCount;
            }
        }
    }

    public int MalformedCommandCount => Volatile.Read(ref _malformedCount);

    /// <summary>The command ids the device still remembers, oldest first (cleared by a reboot, like RAM).</summary>
    public IReadOnlyList<string> AppliedCommandIds
    {
        get
        {
            lock (_stateLock)
            {
                return _commandIds.Recent();
            }
        }
    }

    /// <summary>Fault switch: ignore every incoming <c>set</c> (neither applied nor counted).</summary>
    public bool DropCommands
    {
        get => _dropCommands;
        set => _dropCommands = value;
    }

    /// <summary>Fault switch: apply each <c>set</c> this much later than it arrives.</summary>
    public TimeSpan CommandDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _commandDelayTicks));
        set => Interlocked.Exchange(ref _commandDelayTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>
    /// Fault switch: crash (as <see cref="CrashAsync"/>) this long after <see cref="StartAsync"/>, or after being set
    /// while running. Re-armed by every start; <c>null</c> disarms it.
    /// </summary>
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
            if (_supervisor is null)
            {
                _runCts = new CancellationTokenSource();
                _firstConnection = NewCompletion();
                var token = _runCts.Token;
                _supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
                lock (_timerLock)
                {
                    _running = true;
                    ArmGoOfflineTimerLocked();
                }
            }

            connected = _firstConnection.Task;
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
            var client = await StopRunningAsync().ConfigureAwait(false);
            if (client is null)
            {
                return;
            }

            if (client.IsConnected)
            {
                try
                {
                    await _publishGate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        await PublishAsync(client, _topics.Availability(DeviceId), OfflinePayload, CancellationToken.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        _publishGate.Release();
                    }

                    using var timeout = new CancellationTokenSource(OperationTimeout);
                    await client.DisconnectAsync(
                        new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                        timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogStopFailed(DeviceId, ex.Message);
                }
            }

            client.Dispose();
            LogStopped(DeviceId);
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
            var wasRunning = _supervisor is not null;
            var client = await StopRunningAsync().ConfigureAwait(false);

            // Disposing an MQTTnet client closes the socket without sending DISCONNECT.
            client?.Dispose();
            if (wasRunning)
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
            var client = await StopRunningAsync().ConfigureAwait(false);
            client?.Dispose();
            DeviceSnapshot snapshot;
            long version;
            lock (_stateLock)
            {
                _model.ResetToFactory();
                _commandIds.Clear();
                snapshot = _model.Snapshot;
                version = ++_stateVersion;
            }

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
        var random = new Random(seed);
        await _publishGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var client = _client;
            if (client is null || !IsConnected)
            {
                throw new InvalidOperationException($"Device '{DeviceId}' is not connected.");
            }

            for (var i = 0; i < count; i++)
            {
                var (topic, payload) = GarbagePayloads.Next(random, DeviceId, Kind);
                try
                {
                    await PublishAsync(client, _topics.For(DeviceId, topic), payload, CancellationToken.None).ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    // A broker enforcing the protocol's size limit (SettingControl's embedded one) refuses the oversized
                    // payloads: for garbage that is a fine outcome, and the device carries on.
                }
            }

            await PublishIdentityAsync(client, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _publishGate.Release();
        }

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
        lock (_timerLock)
        {
            _goOfflineTimer?.Dispose();
            _goOfflineTimer = null;
        }
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    /// <summary>Keeps the device connected: polls the connection and reconnects after <see cref="SimulatedDeviceOptions.ReconnectDelayMs"/>.</summary>
    /// <remarks>Reconnecting is done here rather than in MQTTnet's DisconnectedAsync handler, which must not block the client.</remarks>
    private async Task SuperviseAsync(CancellationToken token)
    {
        var wasConnected = false;
        var failuresLogged = 0;
        while (!token.IsCancellationRequested)
        {
            if (!IsConnected)
            {
                if (wasConnected)
                {
                    LogConnectionLost(DeviceId);
                    wasConnected = false;
                }

                DropClient();
                try
                {
                    await ConnectAndAnnounceAsync(token).ConfigureAwait(false);
                    wasConnected = true;
                    failuresLogged = 0;
                    _firstConnection.TrySetResult();
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    DropClient();

                    // Say once per outage that the broker is unreachable; the retries after that are noise.
                    if (failuresLogged++ == 0)
                    {
                        LogWaitingForBroker(DeviceId, _options.BrokerHost, _options.BrokerPort, ex.Message);
                    }
                }
            }

            try
            {
                await Task.Delay(_options.ReconnectDelayMs, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConnectAndAnnounceAsync(CancellationToken token)
    {
        var client = _clientFactory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;

        // Published before connecting so a crash or stop during the handshake can still close it.
        _client = client;
        using (var timeout = WithTimeout(token))
        {
            var result = await client.ConnectAsync(BuildClientOptions(), timeout.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}".TrimEnd());
            }
        }

        // Holding the publish gate from before subscribing means no state report can precede the announce.
        await _publishGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            // Subscribe before announcing: a controller may send a set the moment it sees "online".
            using (var timeout = WithTimeout(token))
            {
                var subscribe = _clientFactory.CreateSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic(_topics.Set(DeviceId)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .Build();
                var result = await client.SubscribeAsync(subscribe, timeout.Token).ConfigureAwait(false);
                if (result.Items.Any(item => item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
                {
                    throw new InvalidOperationException($"broker refused the subscription: {result.Items.First().ResultCode}");
                }
            }

            await PublishIdentityAsync(client, token).ConfigureAwait(false);
            _announced = true;
        }
        finally
        {
            _publishGate.Release();
        }

        LogConnected(DeviceId, _options.BrokerHost, _options.BrokerPort);
    }

    /// <summary>Announce, <c>online</c>, then state: the order a controller expects after a (re)connect. Caller holds the publish gate.</summary>
    private async Task PublishIdentityAsync(IMqttClient client, CancellationToken token)
    {
        await PublishAsync(client, _topics.Announce(DeviceId), _announcePayload, token).ConfigureAwait(false);
        await PublishAsync(client, _topics.Availability(DeviceId), OnlinePayload, token).ConfigureAwait(false);
        await PublishAsync(client, _topics.State(DeviceId), PayloadWriter.Write(DeviceModel.ToPayload(Current)), token).ConfigureAwait(false);
    }

    private MqttClientOptions BuildClientOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.BrokerHost, _options.BrokerPort)
            .WithClientId(DeviceId)
            .WithProtocolVersion(MqttProtocolVersion.V500)

            // No broker-side session: after a reconnect the controller reconciles from the retained state instead of
            // the device replaying commands queued while it was away.
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(OperationTimeout)
            .WithWillTopic(_topics.Availability(DeviceId))
            .WithWillPayload(OfflinePayload)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(BrokerCertificate.TlsOptions(_options.BrokerHost, _options.CaFile));
        }

        if (_options.Username is not null)
        {
            builder = builder.WithCredentials(_options.Username, _options.Password is null ? null : Encoding.UTF8.GetBytes(_options.Password));
        }

        return builder.Build();
    }

    /// <summary>Retained QoS 1 publish that throws unless the broker acknowledged it.</summary>
    private static async Task PublishAsync(IMqttClient client, string topic, byte[] payload, CancellationToken token)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build();
        using var timeout = WithTimeout(token);
        var result = await client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to '{topic}' failed: {result.ReasonCode} {result.ReasonString}".TrimEnd());
        }
    }

    /// <summary>Reports the latest state if connected. A missed report is harmless: every (re)connect re-publishes state.</summary>
    private async Task TryPublishStateAsync()
    {
        if (_client is null)
        {
            return;
        }

        await _publishGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_client is { IsConnected: true } client)
            {
                await PublishAsync(client, _topics.State(DeviceId), PayloadWriter.Write(DeviceModel.ToPayload(Current)), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPublishFailed(DeviceId, ex.Message);
        }
        finally
        {
            _publishGate.Release();
        }
    }

    private static CancellationTokenSource WithTimeout(CancellationToken token)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(OperationTimeout);
        return timeout;
    }

    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (message.Topic != _topics.Set(DeviceId))
        {
            return Task.CompletedTask;
        }

        if (_dropCommands)
        {
            LogCommandDropped(DeviceId);
            return Task.CompletedTask;
        }

        var payload = message.Payload;
        var parsed = payload.IsSingleSegment ? PayloadParser.ParseSet(payload.FirstSpan) : PayloadParser.ParseSet(payload.ToArray());
        if (parsed.Value is not { } set)
        {
            Interlocked.Increment(ref _malformedCount);
            LogMalformedCommand(DeviceId, parsed.Reason, parsed.Detail);
            return Task.CompletedTask;
        }

        var delay = CommandDelay;
        if (delay > TimeSpan.Zero)
        {
            // Deduplication happens when the command is applied, so a redelivery during the delay is still caught.
            _ = ApplyLaterAsync(set, delay);
            return Task.CompletedTask;
        }

        return ApplyAsync(set);
    }

    private async Task ApplyLaterAsync(SetPayload set, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _disposeCts.Token).ConfigureAwait(false);
            await ApplyAsync(set).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed while the command was held back.
        }
    }

    private async Task ApplyAsync(SetPayload set)
    {
        bool duplicate;
        var startFadeLoop = false;
        DeviceSnapshot snapshot;
        long version;
        lock (_stateLock)
        {
            duplicate = !_commandIds.TryRemember(set.CommandId);
            if (duplicate)
            {
                _duplicateCount++;
            }
            else
            {
                _appliedCount++;
                if (_model.Apply(set, Now))
                {
                    _stateVersion++;
                }

                if (_model.IsAnimating && !_fadeLoopRunning)
                {
                    _fadeLoopRunning = true;
                    startFadeLoop = true;
                }
            }

            snapshot = _model.Snapshot;
            version = _stateVersion;
        }

        if (duplicate)
        {
            LogDuplicateCommand(DeviceId, set.CommandId);
            return;
        }

        LogCommandApplied(DeviceId, set.CommandId, Describe(set), set.TransitionMs);
        if (startFadeLoop)
        {
            _ = Task.Run(() => RunFadeLoopAsync(_disposeCts.Token), CancellationToken.None);
        }

        RaiseStateChanged(snapshot, version);

        // Reported even when nothing changed yet: it tells the controller the command arrived.
        await TryPublishStateAsync().ConfigureAwait(false);
    }

    /// <summary>Advances fades every report interval and reports each change; ends when nothing is in flight.</summary>
    private async Task RunFadeLoopAsync(CancellationToken token)
    {
        var interval = TimeSpan.FromMilliseconds(_options.ReportIntervalMs);
        try
        {
            while (true)
            {
                await Task.Delay(interval, _time, token).ConfigureAwait(false);
                DeviceSnapshot? changed = null;
                long version;
                bool more;
                lock (_stateLock)
                {
                    if (_model.Advance(Now))
                    {
                        changed = _model.Snapshot;
                        _stateVersion++;
                    }

                    version = _stateVersion;
                    more = _model.IsAnimating;
                    _fadeLoopRunning = more;
                }

                if (changed is not null)
                {
                    RaiseStateChanged(changed, version);
                    await TryPublishStateAsync().ConfigureAwait(false);
                }

                if (!more)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void RaiseStateChanged(DeviceSnapshot snapshot, long version)
    {
        lock (_eventLock)
        {
            if (version <= _lastRaisedVersion)
            {
                return;
            }

            _lastRaisedVersion = version;
            try
            {
                StateChanged?.Invoke(snapshot);
            }
            catch (Exception ex)
            {
                // A faulty subscriber must not stop the device's fades.
                LogStateChangedHandlerFailed(DeviceId, ex);
            }
        }
    }

    /// <summary>Stops the reconnect loop and the fault timer. Caller holds the lifecycle gate. Returns the client to close.</summary>
    private async Task<IMqttClient?> StopRunningAsync()
    {
        lock (_timerLock)
        {
            _running = false;
            _goOfflineTimer?.Dispose();
            _goOfflineTimer = null;
        }

        if (_runCts is null || _supervisor is null)
        {
            return null;
        }

        await _runCts.CancelAsync().ConfigureAwait(false);
        await _supervisor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _runCts.Dispose();
        _runCts = null;
        _supervisor = null;

        // A StartAsync still waiting for this run gives up.
        _firstConnection.TrySetCanceled();
        _announced = false;
        return Interlocked.Exchange(ref _client, null);
    }

    private void DropClient()
    {
        _announced = false;
        Interlocked.Exchange(ref _client, null)?.Dispose();
    }

    private void ArmGoOfflineTimerLocked()
    {
        _goOfflineTimer?.Dispose();
        _goOfflineTimer = _goOfflineAfter is { } after
            ? _time.CreateTimer(_ => _ = GoOfflineNowAsync(), null, after, Timeout.InfiniteTimeSpan)
            : null;
    }

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

    private static string Describe(SetPayload set)
    {
        var parts = new List<string>(4);
        if (set.On is { } on)
        {
            parts.Add(on ? "on" : "off");
        }

        if (set.Brightness is { } brightness)
        {
            parts.Add($"brightness={brightness}");
        }

        if (set.ColorTempK is { } colorTempK)
        {
            parts.Add($"colorTempK={colorTempK}");
        }

        if (set.Light is { } light)
        {
            parts.Add($"light={light}");
        }

        return parts.Count == 0 ? "(no change)" : string.Join(' ', parts);
    }
}
