using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt;

/// <summary>
/// The controller's one MQTT connection. It owns its reconnect loop (MQTTnet 5 has no managed client):
/// a loop checks the connection and pings, never reconnecting from inside the disconnect handler;
/// after every connect it re-subscribes, which makes the broker re-deliver every device's retained
/// announce/availability/state. Incoming messages are parsed on the receive thread, by the device convention that
/// owns their topic (<see cref="DeviceConventionRegistry"/>), and routed to device
/// grains by per-device partitions (so one device's messages stay in order); outgoing commands go
/// through a coalescing queue that survives disconnects.
/// </summary>
public sealed class MqttDeviceLink : BackgroundService, IDeviceCommands, IDeviceLinkStatus
{
    private const int InboundPartitions = 16;

    /// <summary>
    /// Messages one partition may hold while its grain calls catch up. A flooding device (thousands of availability
    /// flips a second) would otherwise grow the queue without limit and delay every device sharing its partition by
    /// minutes; when full, the oldest message is dropped and counted, since the newest says what is true now.
    /// </summary>
    public const int InboundQueueCapacity = 256;

    /// <summary>How long a device's room is trusted from the cache before the device grain is asked again.</summary>
    private static readonly TimeSpan RouteLifetime = TimeSpan.FromSeconds(30);
    private const int MaxPublishesInFlight = 64;

    private readonly MqttOptions _options;
    private readonly ControllerAccount _account;
    private readonly DeviceConventionRegistry _conventions;
    private readonly IGrainFactory _grains;
    private readonly DeviceLinkMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttDeviceLink> _logger;
    private readonly IMqttClient _client;
    private readonly PendingCommands _outgoing = new();
    private readonly Channel<InboundDeviceMessage>[] _inbound;
    private readonly SemaphoreSlim _inFlight = new(MaxPublishesInFlight);
    private readonly string _commandIdPrefix = Guid.NewGuid().ToString("N")[..8];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string? RoomId, long Expires)> _routes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private HashSet<string> _subscribed = new(StringComparer.Ordinal);
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
        ILogger<MqttDeviceLink> logger)
    {
        _options = options.Value;
        _account = account;
        _conventions = conventions;
        _grains = grains;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageReceived;
        _conventions.SubscriptionFiltersChanged += () => _ = ResubscribeAsync();
        _metrics.ObserveLink(() => _client.IsConnected ? 1 : 0);
        _inbound = new Channel<InboundDeviceMessage>[InboundPartitions];
        for (var i = 0; i < _inbound.Length; i++)
        {
            _inbound[i] = Channel.CreateBounded<InboundDeviceMessage>(
                new BoundedChannelOptions(InboundQueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest },
                _ => _metrics.Dropped(DropReason.InboundQueueFull));
        }
    }

    public bool IsConnected => _client.IsConnected;

    public int PendingCommandCount => _outgoing.Count;

    public ValueTask SendAsync(DeviceCommand command, CancellationToken cancellationToken = default)
    {
        var id = $"{_commandIdPrefix}-{Interlocked.Increment(ref _commandCounter)}";
        _outgoing.Enqueue(command, id, _time.GetTimestamp());
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = new List<Task>();
        foreach (var partition in _inbound)
        {
            workers.Add(RouteInboundAsync(partition.Reader, stoppingToken));
        }

        workers.Add(PublishLoopAsync(stoppingToken));
        try
        {
            await ConnectionLoopAsync(stoppingToken);
        }
        finally
        {
            foreach (var partition in _inbound)
            {
                partition.Writer.TryComplete();
            }

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

        await _subscribing.WaitAsync(stoppingToken);
        try
        {
            _subscribed = new HashSet<string>(StringComparer.Ordinal);
            await SubscribeAsync(_conventions.SubscriptionFilters, stoppingToken);
        }
        finally
        {
            _subscribing.Release();
        }

        _wasConnected = true;
        _failedAttempts = 0;
        _metrics.Reconnected();
        _logger.LogInformation("Device link connected to {Host}:{Port} and subscribed", _options.ConnectHost, _options.Port);
        return true;
    }

    private async Task SubscribeAsync(IReadOnlyCollection<string> filters, CancellationToken cancellationToken)
    {
        if (filters.Count == 0)
        {
            return;
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            subscribe = subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var subscribed = await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                _logger.LogError("Broker refused subscription {Filter}: {Code}", item.TopicFilter.Topic, item.ResultCode);
            }
            else
            {
                _subscribed.Add(item.TopicFilter.Topic);
            }
        }
    }

    /// <summary>
    /// A bridge registered or removed while connected: subscribe to its topics now (the broker then hands out its
    /// retained bridge topics) rather than at the next reconnect; stop listening to a removed one.
    /// </summary>
    private async Task ResubscribeAsync()
    {
        try
        {
            await _subscribing.WaitAsync();
            try
            {
                if (!_client.IsConnected)
                {
                    return;
                }

                var wanted = _conventions.SubscriptionFilters;
                var added = wanted.Where(f => !_subscribed.Contains(f)).ToArray();
                var removed = _subscribed.Where(f => !wanted.Contains(f)).ToArray();
                await SubscribeAsync(added, CancellationToken.None);
                if (removed.Length > 0)
                {
                    var unsubscribe = new MqttClientUnsubscribeOptionsBuilder();
                    foreach (var filter in removed)
                    {
                        unsubscribe = unsubscribe.WithTopicFilter(filter);
                        _subscribed.Remove(filter);
                    }

                    await _client.UnsubscribeAsync(unsubscribe.Build());
                }
            }
            finally
            {
                _subscribing.Release();
            }
        }
        catch (Exception ex)
        {
            // The next reconnect subscribes to everything anyway.
            _logger.LogWarning("Device link could not change its subscriptions: {Reason}", ex.GetBaseException().Message);
        }
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
                // sends it because of them. QoS 0: awaiting a QoS 1 acknowledgement here would stall the receive loop.
                foreach (var request in parse.Requests)
                {
                    await _client.PublishAsync(
                        new MqttApplicationMessageBuilder().WithTopic(request.Topic).WithPayload(request.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(),
                        CancellationToken.None);
                    _metrics.ReadBackOut();
                }

                foreach (var parsed in parse.Messages)
                {
                    _metrics.MessageIn(parsed switch
                    {
                        InboundDeviceMessage.Announced => "announce",
                        InboundDeviceMessage.AvailabilityChanged => "availability",
                        _ => "state",
                    });
                    var partition = (int)((uint)StringComparer.Ordinal.GetHashCode(parsed.DeviceId) % InboundPartitions);
                    _inbound[partition].Writer.TryWrite(parsed);
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

    private async Task RouteInboundAsync(ChannelReader<InboundDeviceMessage> reader, CancellationToken stoppingToken)
    {
        await foreach (var message in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                var now = _time.GetUtcNow();
                var device = _grains.GetGrain<IDeviceGrain>(message.DeviceId);
                bool routed;
                switch (message)
                {
                    case InboundDeviceMessage.StateReported s:
                        // The hot path: state reports go straight to the room, with the device's room cached,
                        // so a report costs one grain call instead of two.
                        var roomId = await RoomOf(message.DeviceId, device);
                        if (roomId is not null)
                        {
                            await _grains.GetGrain<IRoomGrain>(roomId).OnDeviceState(message.DeviceId, new DeviceStateReport(s.State, now));
                            routed = true;
                        }
                        else
                        {
                            // Unassigned: the device grain keeps "last seen" for the staff console and drops the report.
                            routed = await device.StateReported(new DeviceStateReport(s.State, now));
                        }

                        break;
                    case InboundDeviceMessage.Announced a:
                        _routes.TryRemove(message.DeviceId, out _);
                        routed = await device.Announced(a.Announcement);
                        break;
                    case InboundDeviceMessage.AvailabilityChanged v:
                        _routes.TryRemove(message.DeviceId, out _);
                        routed = await device.AvailabilityChanged(v.Online, now);
                        break;
                    default:
                        routed = false;
                        break;
                }

                if (routed)
                {
                    _metrics.Accepted();
                }
                else
                {
                    _metrics.Dropped(DropReason.UnassignedDevice);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Routing a message from device {DeviceId} failed", message.DeviceId);
            }
            catch (Exception)
            {
                // Shutting down: the silo may already be gone.
            }
        }
    }

    private async ValueTask<string?> RoomOf(string deviceId, IDeviceGrain device)
    {
        var nowTicks = _time.GetTimestamp();
        if (_routes.TryGetValue(deviceId, out var route) && route.Expires > nowTicks)
        {
            return route.RoomId;
        }

        var roomId = await device.RoomOf();

        // Only rooms are cached: a device staff have not assigned yet is looked up again on each report,
        // so it starts reaching its room as soon as it is assigned.
        if (roomId is not null)
        {
            _routes[deviceId] = (roomId, nowTicks + (long)(RouteLifetime.TotalSeconds * _time.TimestampFrequency));
        }

        return roomId;
    }

    private async Task PublishLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                // Nothing is taken from the queue while the link is down: a command waiting there is still coalesced with
                // newer ones for its device, whereas one held here would be published stale (and, if it was the retry of
                // a publish the device had already received, under the same id a second time).
                while (!_client.IsConnected)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), _time, stoppingToken);
                }

                if (await _outgoing.TakeAsync(stoppingToken) is not { } pending)
                {
                    return;
                }

                if (!_client.IsConnected)
                {
                    _outgoing.Requeue(pending);
                    continue;
                }

                await _inFlight.WaitAsync(stoppingToken);
                _ = PublishAsync(pending, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PublishAsync(PendingCommand pending, CancellationToken stoppingToken)
    {
        try
        {
            if (_conventions.BuildCommand(pending.Command, pending.CommandId) is not { } built)
            {
                _metrics.Dropped(DropReason.UnknownDevice);
                _logger.LogDebug("No convention can address device {DeviceId} now; command {CommandId} dropped", pending.Command.DeviceId, pending.CommandId);
                return;
            }

            var (topic, payload) = (built.Topic, built.Payload);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var result = await _client.PublishAsync(message, stoppingToken);
            if (result.IsSuccess)
            {
                _metrics.CommandOut(pending.Command.Kind == DeviceKind.Mask ? "mask" : "light", _time.GetElapsedTime(pending.AcceptedAt));
            }
            else
            {
                _logger.LogWarning("Publishing to {Topic} failed: {Reason}; will retry", topic, result.ReasonCode);
                _outgoing.Requeue(pending);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Typically the connection dropped mid-publish: keep the command for the next connection.
            _logger.LogDebug(ex, "Publish of command {CommandId} failed; will retry", pending.CommandId);
            _outgoing.Requeue(pending);
        }
        catch (Exception)
        {
        }
        finally
        {
            _inFlight.Release();
        }
    }
}

/// <summary>What health checks ask of the device link.</summary>
public interface IDeviceLinkStatus
{
    bool IsConnected { get; }

    int PendingCommandCount { get; }
}
