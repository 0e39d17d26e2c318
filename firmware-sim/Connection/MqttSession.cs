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
/// The MQTT connection of a Zigbee2MQTT bridge or a Tasmota light: connect with a last will, subscribe, say who it is,
/// and keep it that way with a loop that reconnects after any loss. Unlike v1's <see cref="DeviceConnection"/> it
/// carries any mix of retained and live messages and several subscriptions; what is said is the caller's.
/// </summary>
/// <remarks>
/// <see cref="StartRunning"/>, <see cref="StopAsync"/> and <see cref="CrashAsync"/> are called one at a time by the
/// owner's lifecycle; publishing is safe from any thread. Retries use wall-clock time: they are about the real broker.
/// </remarks>
internal sealed partial class MqttSession
{
    /// <summary>Bounds every broker round trip: with a cancellable token MQTTnet applies no timeout of its own.</summary>
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(5);

    private readonly MqttEndpoint _endpoint;
    private readonly string _clientId;
    private readonly Publication _will;
    private readonly IReadOnlyList<string> _subscriptions;
    private readonly Func<IReadOnlyList<Publication>> _identity;
    private readonly Func<string, ReadOnlySequence<byte>, Task> _onMessage;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _clientFactory = new();

    // One publish at a time, so the identity after a (re)connect is never interleaved with a report.
    private readonly SemaphoreSlim _publishGate = new(1, 1);

    private CancellationTokenSource? _runCts;
    private Task? _supervisor;
    private TaskCompletionSource _firstConnection = NewCompletion();
    private volatile IMqttClient? _client;
    private volatile bool _announced;

    /// <param name="identity">Published, in order, after every (re)connect once subscribed.</param>
    /// <param name="onMessage">Every message received on a subscription (topic, payload).</param>
    public MqttSession(
        MqttEndpoint endpoint,
        string clientId,
        Publication will,
        IReadOnlyList<string> subscriptions,
        Func<IReadOnlyList<Publication>> identity,
        Func<string, ReadOnlySequence<byte>, Task> onMessage,
        ILogger logger)
    {
        _endpoint = endpoint;
        _clientId = clientId;
        _will = will;
        _subscriptions = subscriptions;
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
                await PublishGatedAsync(client, goodbye).ConfigureAwait(false);
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

    /// <summary>Publishes if connected; a lost message is harmless (every reconnect re-publishes the identity).</summary>
    public Task TryPublishAsync(Publication message) => TryPublishAsync([message]);

    /// <inheritdoc cref="TryPublishAsync(Publication)"/>
    public async Task TryPublishAsync(IReadOnlyList<Publication> messages)
    {
        if (_client is not { } client || !IsConnected)
        {
            return;
        }

        try
        {
            await PublishGatedAsync(client, messages).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPublishFailed(_clientId, ex.Message);
        }
    }

    /// <summary>Publishes <paramref name="messages"/> one by one, ignoring refusals (garbage a broker may well refuse).</summary>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    public async Task PublishIgnoringRefusalsAsync(IEnumerable<Publication> messages)
    {
        var client = _client;
        if (client is null || !IsConnected)
        {
            throw new InvalidOperationException($"'{_clientId}' is not connected.");
        }

        foreach (var message in messages)
        {
            try
            {
                await PublishGatedAsync(client, [message]).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // A broker enforcing a size limit refuses the oversized ones: a fine outcome for garbage.
            }
        }
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationTokenSource WithTimeout(CancellationToken token)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(OperationTimeout);
        return timeout;
    }

    private static async Task PublishAsync(IMqttClient client, Publication message, CancellationToken token)
    {
        var mqttMessage = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(message.Retain)
            .Build();
        using var timeout = WithTimeout(token);
        var result = await client.PublishAsync(mqttMessage, timeout.Token).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to '{message.Topic}' failed: {result.ReasonCode} {result.ReasonString}".TrimEnd());
        }
    }

    private async Task PublishGatedAsync(IMqttClient client, IReadOnlyList<Publication> messages, CancellationToken token = default)
    {
        await _publishGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            foreach (var message in messages)
            {
                await PublishAsync(client, message, token).ConfigureAwait(false);
            }
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

        // Subscribed before saying who it is: a controller may send a command the moment it sees "online".
        using (var timeout = WithTimeout(token))
        {
            var subscribe = _clientFactory.CreateSubscribeOptionsBuilder();
            foreach (var topic in _subscriptions)
            {
                // No-local: a Zigbee2MQTT bridge must not hear its own state reports as commands.
                subscribe = subscribe.WithTopicFilter(f => f.WithTopic(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithNoLocal());
            }

            var result = await client.SubscribeAsync(subscribe.Build(), timeout.Token).ConfigureAwait(false);
            if (result.Items.FirstOrDefault(item => item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2) is { } refused)
            {
                throw new InvalidOperationException($"broker refused the subscription to '{refused.TopicFilter.Topic}': {refused.ResultCode}");
            }
        }

        await PublishGatedAsync(client, _identity(), token).ConfigureAwait(false);
        _announced = true;
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
