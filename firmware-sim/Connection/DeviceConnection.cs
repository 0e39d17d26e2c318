using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.FirmwareSim.Wire;

namespace SettingControl.FirmwareSim.Connection;

/// <summary>
/// One device's MQTT connection: connects with the wire's last will, subscribes to its command topic, publishes its
/// identity, and keeps it that way with a background loop that reconnects after any loss. What is said comes from the
/// <see cref="IDeviceWire"/>; this class only knows MQTT (clean start, QoS 1, retained, timeouts).
/// </summary>
/// <remarks>
/// <see cref="StartRunning"/>, <see cref="StopAsync"/> and <see cref="CrashAsync"/> are called one at a time (the
/// device's lifecycle gate); publishing is safe from any thread. Retries use wall-clock time: they are about the real broker.
/// </remarks>
internal sealed partial class DeviceConnection
{
    /// <summary>Bounds every broker round trip: with a cancellable token MQTTnet applies no timeout of its own.</summary>
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(5);

    private readonly SimulatedDeviceOptions _options;
    private readonly IDeviceWire _wire;
    private readonly Func<DeviceSnapshot> _current;
    private readonly Func<string, ReadOnlySequence<byte>, Task> _onMessage;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _clientFactory = new();

    // Every publish goes through this gate and takes its snapshot inside it, so retained topics end on the latest value.
    private readonly SemaphoreSlim _publishGate = new(1, 1);

    private CancellationTokenSource? _runCts;
    private Task? _supervisor;
    private TaskCompletionSource _firstConnection = NewCompletion();
    private volatile IMqttClient? _client;
    private volatile bool _announced;

    /// <param name="current">The actual state to report, read inside the publish gate.</param>
    /// <param name="onMessage">Every message received on a subscription (topic, payload).</param>
    public DeviceConnection(
        SimulatedDeviceOptions options,
        IDeviceWire wire,
        Func<DeviceSnapshot> current,
        Func<string, ReadOnlySequence<byte>, Task> onMessage,
        ILogger logger)
    {
        _options = options;
        _wire = wire;
        _current = current;
        _onMessage = onMessage;
        _logger = logger;
    }

    private string DeviceId => _options.DeviceId;

    /// <summary>Connected to the broker and announced.</summary>
    public bool IsConnected => _announced && _client is { IsConnected: true };

    /// <summary>The reconnect loop is running (started and neither stopped nor crashed since).</summary>
    public bool IsRunning => _supervisor is not null;

    /// <summary>Completes when the current run first connects; cancelled if the run ends before that.</summary>
    public Task FirstConnection => _firstConnection.Task;

    /// <summary>Starts the reconnect loop; see <see cref="FirstConnection"/>. Caller checks <see cref="IsRunning"/> first.</summary>
    public void StartRunning()
    {
        _runCts = new CancellationTokenSource();
        _firstConnection = NewCompletion();
        var token = _runCts.Token;
        _supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
    }

    /// <summary>Graceful shutdown: publishes <see cref="IDeviceWire.Offline"/>, then sends an MQTT DISCONNECT (no will).</summary>
    public async Task StopAsync()
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
                    await PublishAsync(client, _wire.Offline, CancellationToken.None).ConfigureAwait(false);
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

    /// <summary>
    /// Abrupt failure: the TCP connection is closed without an MQTT DISCONNECT, so the broker publishes the will.
    /// Returns whether the loop was running.
    /// </summary>
    public async Task<bool> CrashAsync()
    {
        var wasRunning = IsRunning;
        var client = await StopRunningAsync().ConfigureAwait(false);

        // Disposing an MQTTnet client closes the socket without sending DISCONNECT.
        client?.Dispose();
        return wasRunning;
    }

    /// <summary>Reports the latest state if connected. A missed report is harmless: every (re)connect re-publishes state.</summary>
    public async Task TryPublishStateAsync()
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
                await PublishAsync(client, _wire.State(_current()), CancellationToken.None).ConfigureAwait(false);
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

    /// <summary>Publishes <paramref name="count"/> of <see cref="IDeviceWire.Garbage"/>, then the identity again so the retained topics end valid.</summary>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    public async Task PublishGarbageAsync(int count, Random random)
    {
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
                var garbage = _wire.Garbage(random);
                try
                {
                    await PublishAsync(client, garbage, CancellationToken.None).ConfigureAwait(false);
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
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

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
                    .WithTopicFilter(f => f.WithTopic(_wire.CommandTopic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
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

    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e) =>
        _onMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);

    /// <summary>The wire's identity messages, in its order. Caller holds the publish gate.</summary>
    private async Task PublishIdentityAsync(IMqttClient client, CancellationToken token)
    {
        foreach (var message in _wire.Identity(_current()))
        {
            await PublishAsync(client, message, token).ConfigureAwait(false);
        }
    }

    private MqttClientOptions BuildClientOptions()
    {
        var will = _wire.Will;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.BrokerHost, _options.BrokerPort)
            .WithClientId(DeviceId)
            .WithProtocolVersion(MqttProtocolVersion.V500)

            // No broker-side session: after a reconnect the controller reconciles from the retained state instead of
            // the device replaying commands queued while it was away.
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(OperationTimeout)
            .WithWillTopic(will.Topic)
            .WithWillPayload(will.Payload)
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
    private static async Task PublishAsync(IMqttClient client, WireMessage message, CancellationToken token)
    {
        var mqttMessage = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build();
        using var timeout = WithTimeout(token);
        var result = await client.PublishAsync(mqttMessage, timeout.Token).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to '{message.Topic}' failed: {result.ReasonCode} {result.ReasonString}".TrimEnd());
        }
    }

    private static CancellationTokenSource WithTimeout(CancellationToken token)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(OperationTimeout);
        return timeout;
    }

    /// <summary>Stops the reconnect loop. Returns the client to close.</summary>
    private async Task<IMqttClient?> StopRunningAsync()
    {
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
}
