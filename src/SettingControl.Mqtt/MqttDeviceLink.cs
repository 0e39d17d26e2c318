using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Link;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt;

/// <summary>
/// The controller's one MQTT connection. It owns its reconnect loop (MQTTnet 5 has no managed client):
/// a loop checks the connection and pings, never reconnecting from inside the disconnect handler;
/// after every connect it re-subscribes (<see cref="LinkSubscriptions"/>), which makes the broker re-deliver every
/// device's retained announce/availability/state. Incoming messages are parsed on the receive thread, by the device
/// convention that owns their topic (<see cref="DeviceConventionRegistry"/>), and handed to the grains by
/// <see cref="InboundRouter"/>; outgoing commands go through a coalescing queue that survives disconnects and are
/// published by <see cref="CommandPublisher"/>.
/// </summary>
public sealed class MqttDeviceLink : BackgroundService, IDeviceCommands, IDeviceLinkStatus
{
    /// <summary>
    /// Messages one partition may hold while its grain calls catch up. A flooding device (thousands of availability
    /// flips a second) would otherwise grow the queue without limit and delay every device sharing its partition by
    /// minutes; when full, the oldest message is dropped and counted, since the newest says what is true now.
    /// </summary>
    public const int InboundQueueCapacity = 256;

    private readonly MqttOptions _options;
    private readonly ControllerAccount _account;
    private readonly DeviceConventionRegistry _conventions;
    private readonly DeviceLinkMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttDeviceLink> _logger;
    private readonly IMqttClient _client;
    private readonly PendingCommands _outgoing = new();
    private readonly InboundRouter _inbound;
    private readonly LinkSubscriptions _subscriptions;
    private readonly CommandPublisher _publisher;
    private readonly string _commandIdPrefix = Guid.NewGuid().ToString("N")[..8];
    private long _commandCounter;
    private bool _wasConnected;
    private int _failedAttempts;

    public MqttDeviceLink(
        IOptions<MqttOptions> options,
        ControllerAccount account,
        DeviceConventionRegistry conventions,
        IGrainFactory grains,
        DeviceLinkMetrics metrics,
        TimeProvider time,
        ILogger<MqttDeviceLink> logger,
        IDeviceOwnership? ownership = null)
    {
        _options = options.Value;
        _account = account;
        _conventions = conventions;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageReceived;
        _metrics.ObserveLink(() => _client.IsConnected ? 1 : 0);
        _inbound = new InboundRouter(grains, metrics, time, logger, InboundQueueCapacity, ownership);
        _subscriptions = new LinkSubscriptions(_client, conventions, logger);
        _publisher = new CommandPublisher(_client, _outgoing, conventions, metrics, time, logger);
    }

    public bool IsConnected => _client.IsConnected;

    public int PendingCommandCount => _outgoing.Count;

    public ValueTask SendAsync(DeviceCommand command, CancellationToken cancellationToken = default)
    {
        _outgoing.Enqueue(command, NextCommandId(), _time.GetTimestamp());
        _publisher.PublishNow();
        return ValueTask.CompletedTask;
    }

    /// <summary>Devices that form a group on their side and are told the same get one broadcast; the rest one command each.</summary>
    public ValueTask SendAllAsync(IReadOnlyList<DeviceCommand> commands, CancellationToken cancellationToken = default)
    {
        var acceptedAt = _time.GetTimestamp();
        var groups = _conventions.GroupCommands(commands);
        var carried = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            _outgoing.EnqueueGroup(group, NextCommandId(), acceptedAt);
            carried.UnionWith(group.Commands.Select(c => c.DeviceId));
        }

        foreach (var command in commands)
        {
            if (!carried.Contains(command.DeviceId))
            {
                _outgoing.Enqueue(command, NextCommandId(), acceptedAt);
            }
        }

        for (var i = 0; i < groups.Count + commands.Count; i++)
        {
            _publisher.PublishNow();
        }

        return ValueTask.CompletedTask;
    }

    private bool OwnsAnyOrNone(IReadOnlyList<InboundDeviceMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (_inbound.Owns(messages[i].DeviceId))
            {
                return true;
            }
        }

        return messages.Count == 0;
    }

    private string NextCommandId() => $"{_commandIdPrefix}-{Interlocked.Increment(ref _commandCounter)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = new List<Task>(_inbound.StartWorkers(stoppingToken)) { _publisher.RunAsync(stoppingToken) };
        try
        {
            await ConnectionLoopAsync(stoppingToken);
        }
        finally
        {
            _inbound.Complete();

            await Task.WhenAll(workers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            }

            _client.Dispose();
        }
    }

    private async Task ConnectionLoopAsync(CancellationToken stoppingToken)
    {
        var lastPing = _time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    if (_wasConnected)
                    {
                        _logger.LogWarning("Device link lost its broker connection; reconnecting");
                        _wasConnected = false;
                    }

                    if (await TryConnectAsync(stoppingToken))
                    {
                        lastPing = _time.GetTimestamp();
                    }
                }
                else if (_time.GetElapsedTime(lastPing) > TimeSpan.FromSeconds(_options.KeepAliveSeconds))
                {
                    lastPing = _time.GetTimestamp();
                    await _client.TryPingAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Once per outage as a warning (a refused TLS certificate or an unreachable broker must be visible);
                // the retries after that are noise.
                if (_failedAttempts++ == 0)
                {
                    _logger.LogWarning("Device link cannot connect to {Host}:{Port}: {Reason}", _options.ConnectHost, _options.Port, ex.GetBaseException().Message);
                }
                else
                {
                    _logger.LogDebug(ex, "Device link connection attempt failed");
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_client.IsConnected ? 250 : _options.ReconnectDelayMs), _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken stoppingToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.ConnectHost, _options.Port)
            .WithClientId(_options.ClientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(5))
            .WithCredentials(_account.Username, _account.Password);
        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(BrokerTls.ClientOptions(_options.TlsServerName ?? _options.ConnectHost, _options.CaFile));
        }

        var result = await _client.ConnectAsync(builder.Build(), stoppingToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            _logger.LogWarning("Broker refused the device link: {Code} {Reason}", result.ResultCode, result.ReasonString);
            return false;
        }

        await _subscriptions.SubscribeAllAsync(stoppingToken);

        _wasConnected = true;
        _failedAttempts = 0;
        _metrics.Reconnected();
        _logger.LogInformation("Device link connected to {Host}:{Port} and subscribed", _options.ConnectHost, _options.Port);
        return true;
    }

    private async Task OnMessageReceived(MqttApplicationMessageReceivedEventArgs e)
    {
        try
        {
            var message = e.ApplicationMessage;
            var parse = _conventions.Parse(message.Topic, message.Payload);
            if (parse.Accepted)
            {
                // Read-backs go out before the messages are routed, so they reach a device before anything its room
                // sends it because of them; QoS 0, as awaiting an acknowledgement here would stall the receive loop.
                // In a cluster the node handling the device asks (every node, for a list naming no one device).
                // Indexed loops, no LINQ: this runs for every device message (an enumerator or a closure each is
                // garbage per message).
                var messages = parse.Messages;
                if (parse.Requests.Count > 0 && OwnsAnyOrNone(messages))
                {
                    foreach (var request in parse.Requests)
                    {
                        await _client.PublishAsync(
                            new MqttApplicationMessageBuilder().WithTopic(request.Topic).WithPayload(request.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(),
                            CancellationToken.None);
                        _metrics.ReadBackOut();
                    }
                }

                for (var i = 0; i < messages.Count; i++)
                {
                    var parsed = messages[i];
                    _metrics.MessageIn(parsed switch
                    {
                        InboundDeviceMessage.Announced => "announce",
                        InboundDeviceMessage.AvailabilityChanged => "availability",
                        _ => "state",
                    });
                    _inbound.Enqueue(parsed);
                }
            }
            else
            {
                _metrics.MessageIn("rejected");
                _metrics.Dropped(parse.Reason);
                _logger.LogDebug("Dropped device message on {Topic}: {Reason}", message.Topic, parse.Reason);
            }
        }
        catch (Exception ex)
        {
            // Nothing a device sends may take the link down.
            _metrics.MessageIn("rejected");
            _metrics.Dropped(DropReason.InvalidJson);
            _logger.LogWarning(ex, "Unexpected failure parsing a device message");
        }
    }
}

/// <summary>What health checks ask of the device link.</summary>
public interface IDeviceLinkStatus
{
    bool IsConnected { get; }

    int PendingCommandCount { get; }
}
