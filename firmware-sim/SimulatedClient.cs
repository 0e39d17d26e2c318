using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Faults;

namespace SettingControl.FirmwareSim;

/// <summary>
/// What every simulated client shares (a v1 <see cref="SimulatedDevice"/>, a Zigbee2MQTT bridge, a Tasmota light): one
/// MQTT connection with a last will, its lifecycle (start, graceful stop, crash, restart) and the fault switches that
/// act on the connection and on incoming commands (drop, delay, go offline, garbage). The convention says what is
/// published and how commands are read.
/// </summary>
/// <remarks>Timing of the "physics" (fades, command delay, go-offline, restart downtime) runs on the given
/// <see cref="TimeProvider"/>; network retries use wall-clock time, as they are about the real broker.</remarks>
public abstract partial class SimulatedClient : IAsyncDisposable
{
    /// <summary>Lets the broker publish the old connection's will before the restarted client says "online" again.</summary>
    private static readonly TimeSpan RestartDowntime = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _lifecycleGate = new(1, 1);
    private readonly FaultSwitches _faults;
    private readonly ILogger _logger;
    private MqttSession? _session;
    private int _malformedCount;
    private int _disposed;

    private protected SimulatedClient(string clientId, TimeProvider? time, ILogger? logger)
    {
        ClientId = clientId;
        Time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _faults = new FaultSwitches(Time, GoOfflineNowAsync);
    }

    /// <summary>The MQTT client id, also the name in log lines.</summary>
    public string ClientId { get; }

    /// <summary>Connected, subscribed and announced.</summary>
    public bool IsConnected => _session?.IsConnected ?? false;

    /// <summary>Commands that could not be read (bad JSON, wrong types, unknown commands); never a crash.</summary>
    public virtual int MalformedCommandCount => Volatile.Read(ref _malformedCount);

    /// <summary>Fault switch: ignore every incoming command (neither applied nor counted).</summary>
    public bool DropCommands
    {
        get => _faults.DropCommands;
        set => _faults.DropCommands = value;
    }

    /// <summary>Fault switch: handle each command this much later than it arrives.</summary>
    public TimeSpan CommandDelay
    {
        get => _faults.CommandDelay;
        set => _faults.CommandDelay = value;
    }

    /// <summary>Fault switch: crash this long after <see cref="StartAsync"/> (re-armed by every start); <c>null</c> disarms it.</summary>
    public TimeSpan? GoOfflineAfter
    {
        get => _faults.GoOfflineAfter;
        set => _faults.GoOfflineAfter = value;
    }

    private protected TimeProvider Time { get; }

    private protected ILogger Logger => _logger;

    /// <summary>Cancelled on dispose: background work (fades, delayed commands, telemetry) ends with it.</summary>
    private protected CancellationTokenSource Disposing { get; } = new();

    private MqttSession Session => _session ??= new MqttSession(
        Endpoint, ClientId, Will, Subscriptions, SubscribeNoLocal, Identity, OnMessageAsync, Logger, CarriesOnWhenRefused);

    /// <summary>The broker and login.</summary>
    private protected abstract MqttEndpoint Endpoint { get; }

    /// <summary>Published by the broker when the connection drops without a goodbye.</summary>
    private protected abstract Publication Will { get; }

    /// <summary>The command topics (filters) to subscribe to.</summary>
    private protected abstract IReadOnlyList<string> Subscriptions { get; }

    /// <summary>Subscribe with MQTT 5 no-local, so the client does not hear its own messages (the default).</summary>
    private protected virtual bool SubscribeNoLocal => true;

    /// <summary>Whether a publish the broker refuses as not authorised is skipped rather than failing the connection.</summary>
    private protected virtual bool CarriesOnWhenRefused => false;

    /// <summary>
    /// Connects (retrying until connected or cancelled), subscribes, then publishes <see cref="Identity"/>; a background
    /// loop keeps it connected. Completes once connected; does nothing more if already running.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (left down), or it was stopped,
    /// crashed or disposed before it first connected.</exception>
    public async Task StartAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Task connected;
        await _lifecycleGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!Session.IsRunning)
            {
                Session.StartRunning();
                _faults.Started();
            }

            connected = Session.FirstConnection;
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
            // The caller gave up: no reconnect loop is left running behind its back.
            await CrashAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Graceful: publishes <see cref="Goodbye"/> (retained offline), then DISCONNECT, so the broker sends no will.</summary>
    public async Task StopAsync()
    {
        await _lifecycleGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _faults.Stopped();
            await Session.StopAsync(Goodbye()).ConfigureAwait(false);
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>Abrupt: the connection closes without DISCONNECT and the broker publishes the will. Stays down until <see cref="StartAsync"/>.</summary>
    public async Task CrashAsync()
    {
        await _lifecycleGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _faults.Stopped();
            if (await Session.CrashAsync().ConfigureAwait(false))
            {
                LogCrashed(ClientId);
            }
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>
    /// Restart (a v1 power cycle, a bridge restart, a Tasmota reboot): abrupt drop (the broker publishes the will),
    /// <see cref="OnRestarting"/>, about a second down, then connect and announce again. Completes once back online.
    /// </summary>
    public async Task RebootAsync()
    {
        await _lifecycleGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _faults.Stopped();
            await Session.CrashAsync().ConfigureAwait(false);
            OnRestarting();
            LogRestarting(ClientId);
        }
        finally
        {
            _lifecycleGate.Release();
        }

        await Task.Delay(RestartDowntime, Time, Disposing.Token).ConfigureAwait(false);
        await StartAsync(Disposing.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes <paramref name="count"/> malformed payloads on the client's own topics (random bytes, truncated JSON,
    /// wrong types, oversized, non-UTF-8), then its identity again so the retained topics end valid.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    public async Task SendGarbageAsync(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        await Session.PublishGarbageAsync(Enumerable.Range(0, count).Select(_ => Garbage(random))).ConfigureAwait(false);
        LogGarbageSent(ClientId, count);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await Disposing.CancelAsync().ConfigureAwait(false);
        _faults.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Published, in order, after every (re)connect once subscribed.</summary>
    private protected abstract IReadOnlyList<Publication> Identity();

    /// <summary>What a graceful stop publishes before disconnecting.</summary>
    private protected abstract IReadOnlyList<Publication> Goodbye();

    /// <summary>
    /// Handles one command that passed the fault switches, already delayed if so: the command is read only now. The
    /// default does nothing; a client overrides this or <see cref="ReadCommand"/>.
    /// </summary>
    private protected virtual Task HandleCommandAsync(string topic, ReadOnlySequence<byte> payload) => Task.CompletedTask;

    /// <summary>
    /// Reads one command that passed the drop switch as it arrives, before any <see cref="CommandDelay"/>, and returns
    /// what carrying it out does (run now or once the delay is over), or <c>null</c> when there is nothing to carry out.
    /// The default reads nothing yet and hands the payload to <see cref="HandleCommandAsync"/>.
    /// </summary>
    /// <param name="payload">Owned by the caller's message only until this returns, unless the command is held back.</param>
    private protected virtual Func<Task>? ReadCommand(string topic, ReadOnlySequence<byte> payload) =>
        () => HandleCommandAsync(topic, payload);

    /// <summary>Whether <paramref name="topic"/> carries commands for this client.</summary>
    private protected abstract bool IsCommandTopic(string topic);

    /// <summary>One malformed message on one of the client's own topics.</summary>
    private protected abstract Publication Garbage(Random random);

    /// <summary>Called while down during <see cref="RebootAsync"/>; the default keeps all state.</summary>
    private protected virtual void OnRestarting()
    {
    }

    private protected Task PublishAsync(Publication message) => Session.TryPublishAsync(() => [message]);

    private protected Task PublishAsync(IReadOnlyList<Publication> messages) => Session.TryPublishAsync(() => messages);

    /// <summary>Publishes <paramref name="latest"/>'s message, built inside the publish gate so the last one out is the latest.</summary>
    private protected Task PublishLatestAsync(Func<Publication> latest) => Session.TryPublishAsync(() => [latest()]);

    private protected void CountMalformed(string what, string reason)
    {
        Interlocked.Increment(ref _malformedCount);
        LogMalformedCommand(ClientId, what, reason);
    }

    private Task OnMessageAsync(string topic, ReadOnlySequence<byte> payload)
    {
        if (!IsCommandTopic(topic))
        {
            return Task.CompletedTask;
        }

        if (_faults.DropCommands)
        {
            LogCommandDropped(ClientId, topic);
            return Task.CompletedTask;
        }

        var delay = _faults.CommandDelay;
        if (delay <= TimeSpan.Zero)
        {
            return ReadCommand(topic, payload) is { } now ? CarryOutSafelyAsync(topic, now) : Task.CompletedTask;
        }

        // The payload buffer belongs to MQTTnet only until this handler returns.
        var copy = new ReadOnlySequence<byte>(payload.ToArray());
        if (ReadCommand(topic, copy) is { } later)
        {
            _ = CarryOutLaterAsync(topic, later, delay);
        }

        return Task.CompletedTask;
    }

    private async Task CarryOutLaterAsync(string topic, Func<Task> command, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, Time, Disposing.Token).ConfigureAwait(false);
            await CarryOutSafelyAsync(topic, command).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed while the command was held back.
        }
    }

    private async Task CarryOutSafelyAsync(string topic, Func<Task> command)
    {
        try
        {
            await command().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever a command does, the simulated device keeps running, as the real one would.
            CountMalformed(topic, ex.Message);
        }
    }

    private async Task GoOfflineNowAsync()
    {
        LogGoingOffline(ClientId);
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
