using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SettingControl.FirmwareSim.Connection;

/// <summary>One message to publish, and whether the broker keeps it for later subscribers.</summary>
internal readonly record struct Publication(string Topic, byte[] Payload, bool Retain)
{
    public static Publication Retained(string topic, string payload) => new(topic, Encoding.UTF8.GetBytes(payload), true);

    public static Publication Live(string topic, string payload) => new(topic, Encoding.UTF8.GetBytes(payload), false);
}

/// <summary>
/// The MQTT connection of every simulated client (a v1 device, a Zigbee2MQTT bridge, a Tasmota light): connect with a
/// last will, subscribe, say who it is, and keep it that way with a loop that reconnects after any loss. It only knows
/// MQTT (MQTT 5, clean start, QoS 1, timeouts); what is said, retained or live, is the caller's.
/// </summary>
/// <remarks>
/// <para><see cref="StartRunning"/>, <see cref="StopAsync"/> and <see cref="CrashAsync"/> are called one at a time by the
/// owner's lifecycle; publishing is safe from any thread. Retries use wall-clock time: they are about the real broker.</para>
/// <para>Every publish goes through one gate and builds its messages inside it, so what is published last is the latest
/// value, and the gate is held from before subscribing until the identity is out, so nothing precedes the identity.</para>
/// </remarks>
internal sealed partial class MqttSession
{
    /// <summary>Bounds every broker round trip: with a cancellable token MQTTnet applies no timeout of its own.</summary>
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(5);

    private readonly MqttEndpoint _endpoint;
    private readonly string _clientId;
    private readonly Publication _will;
    private readonly IReadOnlyList<string> _subscriptions;
    private readonly bool _noLocal;
    private readonly bool _carriesOnWhenRefused;
    private readonly Func<IReadOnlyList<Publication>> _identity;
    private readonly Func<string, ReadOnlySequence<byte>, Task> _onMessage;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _clientFactory = new();

    // One publish at a time, so the identity after a (re)connect is never interleaved with a report.
    // Messages are built inside it, so retained topics end on the latest value.
    private readonly SemaphoreSlim _publishGate = new(1, 1);

    private CancellationTokenSource? _runCts;
    private Task? _supervisor;
    private TaskCompletionSource _firstConnection = NewCompletion();
    private volatile IMqttClient? _client;
    private volatile bool _announced;

    /// <param name="noLocal">Subscribe with MQTT 5 no-local (the client does not hear its own messages).</param>
    /// <param name="identity">Published, in order, after every (re)connect once subscribed; built inside the publish gate.</param>
    /// <param name="onMessage">Every message received on a subscription (topic, payload).</param>
    /// <param name="carriesOnWhenRefused">
    /// A publish the broker refuses as not authorised is logged and skipped instead of failing the connection, as
    /// Zigbee2MQTT does (a Mosquitto ACL that does not list a bulb yet refuses its state, and the bridge stays up).
    /// </param>
    public MqttSession(
        MqttEndpoint endpoint,
        string clientId,
        Publication will,
        IReadOnlyList<string> subscriptions,
        bool noLocal,
        Func<IReadOnlyList<Publication>> identity,
        Func<string, ReadOnlySequence<byte>, Task> onMessage,
        ILogger logger,
        bool carriesOnWhenRefused = false)
    {
        _carriesOnWhenRefused = carriesOnWhenRefused;
        _endpoint = endpoint;
        _clientId = clientId;
        _will = will;
        _subscriptions = subscriptions;
        _noLocal = noLocal;
        _identity = identity;
        _onMessage = onMessage;
        _logger = logger;
    }

    /// <summary>Connected, subscribed and identified.</summary>
    public bool IsConnected => _announced && _client is { IsConnected: true };

    /// <summary>The reconnect loop is running (started and neither stopped nor crashed since).</summary>
    public bool IsRunning => _supervisor is not null;

    /// <summary>Completes when the current run first connects; cancelled if the run ends before that.</summary>
    public Task FirstConnection => _firstConnection.Task;

    /// <summary>Starts the reconnect loop unless it runs already; see <see cref="FirstConnection"/>.</summary>
    public void StartRunning()
    {
        if (IsRunning)
        {
            return;
        }

        _runCts = new CancellationTokenSource();
        _firstConnection = NewCompletion();
        var token = _runCts.Token;
        _supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
    }

    /// <summary>Graceful: publishes <paramref name="goodbye"/>, then sends an MQTT DISCONNECT (so the broker sends no will).</summary>
    public async Task StopAsync(IReadOnlyList<Publication> goodbye)
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
                await PublishGatedAsync(client, () => goodbye).ConfigureAwait(false);
                using var timeout = new CancellationTokenSource(OperationTimeout);
                await client.DisconnectAsync(
                    new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                    timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStopFailed(_clientId, ex.Message);
            }
        }

        client.Dispose();
        LogStopped(_clientId);
    }

    /// <summary>Abrupt: the socket is closed without DISCONNECT, so the broker publishes the will. Returns whether it was running.</summary>
    public async Task<bool> CrashAsync()
    {
        var wasRunning = IsRunning;

        // Disposing an MQTTnet client closes the socket without sending DISCONNECT.
        (await StopRunningAsync().ConfigureAwait(false))?.Dispose();
        return wasRunning;
    }

    /// <summary>
    /// Publishes what <paramref name="build"/> returns, built inside the publish gate, if connected and identified. A
    /// lost message is harmless: every reconnect re-publishes the identity, built after any report it skipped.
    /// </summary>
    public async Task TryPublishAsync(Func<IReadOnlyList<Publication>> build)
    {
        if (_client is null)
        {
            return;
        }

        await _publishGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (IsConnected && _client is { } client)
            {
                await PublishAllAsync(client, build(), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPublishFailed(_clientId, ex.Message);
        }
        finally
        {
            _publishGate.Release();
        }
    }

    /// <summary>
    /// Publishes <paramref name="garbage"/> one by one, ignoring refusals (garbage a broker may well refuse), then the
    /// identity again so the retained topics end valid; nothing else is published in between.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    public async Task PublishGarbageAsync(IEnumerable<Publication> garbage)
    {
        await _publishGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var client = _client;
            if (client is null || !IsConnected)
            {
                throw new InvalidOperationException($"'{_clientId}' is not connected.");
            }

            foreach (var message in garbage)
            {
                try
                {
                    await PublishAsync(client, message, CancellationToken.None).ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    // A broker enforcing a size limit (SettingControl's embedded one) refuses the oversized ones: a
                    // fine outcome for garbage, and the client carries on.
                }
            }

            await PublishAllAsync(client, _identity(), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _publishGate.Release();
        }
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationTokenSource WithTimeout(CancellationToken token)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(OperationTimeout);
        return timeout;
    }

    private async Task PublishAsync(IMqttClient client, Publication message, CancellationToken token)
    {
        var mqttMessage = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(message.Retain)
            .Build();
        using var timeout = WithTimeout(token);
        var result = await client.PublishAsync(mqttMessage, timeout.Token).ConfigureAwait(false);
        if (result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized && _carriesOnWhenRefused)
        {
            LogPublishRefused(_clientId, message.Topic);
        }
        else if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to '{message.Topic}' failed: {result.ReasonCode} {result.ReasonString}".TrimEnd());
        }
    }

    private async Task PublishAllAsync(IMqttClient client, IReadOnlyList<Publication> messages, CancellationToken token)
    {
        foreach (var message in messages)
        {
            await PublishAsync(client, message, token).ConfigureAwait(false);
        }
    }

    private async Task PublishGatedAsync(IMqttClient client, Func<IReadOnlyList<Publication>> build)
    {
        await _publishGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await PublishAllAsync(client, build(), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _publishGate.Release();
        }
    }

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
                    LogConnectionLost(_clientId);
                    wasConnected = false;
                }

                DropClient();
                try
                {
                    await ConnectAsync(token).ConfigureAwait(false);
                    (wasConnected, failuresLogged) = (true, 0);
                    _firstConnection.TrySetResult();
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    DropClient();

                    // Once per outage: the retries after that are noise.
                    if (failuresLogged++ == 0)
                    {
                        LogWaitingForBroker(_clientId, _endpoint.BrokerHost, _endpoint.BrokerPort, ex.Message);
                    }
                }
            }

            try
            {
                await Task.Delay(_endpoint.ReconnectDelayMs, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConnectAsync(CancellationToken token)
    {
        var client = _clientFactory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e => _onMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);

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

        // Holding the publish gate from before subscribing means no report can precede the identity.
        await _publishGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            // Subscribed before saying who it is: a controller may send a command the moment it sees "online".
            using (var timeout = WithTimeout(token))
            {
                var subscribe = _clientFactory.CreateSubscribeOptionsBuilder();
                foreach (var topic in _subscriptions)
                {
                    // No-local (where asked): a Zigbee2MQTT bridge must not hear its own state reports as commands.
                    subscribe = subscribe.WithTopicFilter(f => f.WithTopic(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithNoLocal(_noLocal));
                }

                var result = await client.SubscribeAsync(subscribe.Build(), timeout.Token).ConfigureAwait(false);
                if (result.Items.FirstOrDefault(item => item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2) is { } refused)
                {
                    throw new InvalidOperationException($"broker refused the subscription to '{refused.TopicFilter.Topic}': {refused.ResultCode}");
                }
            }

            await PublishAllAsync(client, _identity(), token).ConfigureAwait(false);
            _announced = true;
        }
        finally
        {
            _publishGate.Release();
        }

        LogConnected(_clientId, _endpoint.BrokerHost, _endpoint.BrokerPort);
    }

    private MqttClientOptions BuildClientOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_endpoint.BrokerHost, _endpoint.BrokerPort)
            .WithClientId(_clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)

            // Like the real firmware and bridge: no broker-side session, the retained topics carry the state.
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_endpoint.KeepAliveSeconds))
            .WithTimeout(OperationTimeout)
            .WithWillTopic(_will.Topic)
            .WithWillPayload(_will.Payload)
            .WithWillRetain(_will.Retain)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_endpoint.UseTls)
        {
            builder = builder.WithTlsOptions(BrokerCertificate.TlsOptions(_endpoint.BrokerHost, _endpoint.CaFile));
        }

        if (_endpoint.Username is not null)
        {
            builder = builder.WithCredentials(_endpoint.Username, _endpoint.Password is null ? null : Encoding.UTF8.GetBytes(_endpoint.Password));
        }

        return builder.Build();
    }

    private async Task<IMqttClient?> StopRunningAsync()
    {
        if (_runCts is null || _supervisor is null)
        {
            return null;
        }

        await _runCts.CancelAsync().ConfigureAwait(false);
        await _supervisor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _runCts.Dispose();
        (_runCts, _supervisor) = (null, null);

        // A start still waiting for this run gives up.
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
