using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;

namespace SettingControl.Mqtt.Link;

/// <summary>
/// Publishes the link's queued commands (<see cref="PendingCommands"/>) at QoS 1, up to
/// <see cref="MaxPublishesInFlight"/> at a time; a publish that fails goes back to the queue for the next connection,
/// and a group broadcast falls back to its members' own commands.
/// </summary>
internal sealed class CommandPublisher(
    IMqttClient client,
    PendingCommands outgoing,
    DeviceConventionRegistry conventions,
    DeviceLinkMetrics metrics,
    TimeProvider time,
    ILogger logger)
{
    private const int MaxPublishesInFlight = 256;

    private readonly IMqttClient _client = client;
    private readonly PendingCommands _outgoing = outgoing;
    private readonly DeviceConventionRegistry _conventions = conventions;
    private readonly DeviceLinkMetrics _metrics = metrics;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly SemaphoreSlim _inFlight = new(MaxPublishesInFlight);
    private readonly Lock _taking = new();
    private CancellationToken _stopping = new(canceled: true);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
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

                if (!await _outgoing.WaitAsync(stoppingToken))
                {
                    return;
                }

                await _inFlight.WaitAsync(stoppingToken);
                lock (_taking)
                {
                    if (!_client.IsConnected || !_outgoing.TryTake(out var pending))
                    {
                        // Taken meanwhile by the caller's thread (see PublishNow), or the link went down.
                        _inFlight.Release();
                        continue;
                    }

                    Start(pending);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Publishes what was just queued on the caller's thread when the link is up and has room, saving the hop to the
    /// publish loop (the loop's wake-up is a fifth of a command's time); otherwise the loop takes it as before.
    /// Taking and starting a publish happen under one lock wherever they run, so commands leave in the order taken.
    /// </summary>
    public void PublishNow()
    {
        if (!_client.IsConnected || _stopping.IsCancellationRequested || !_taking.TryEnter())
        {
            return;
        }

        try
        {
            if (!_inFlight.Wait(0))
            {
                return;
            }

            if (!_outgoing.TryTake(out var pending))
            {
                _inFlight.Release();
                return;
            }

            Start(pending);
        }
        finally
        {
            _taking.Exit();
        }
    }

    /// <summary>
    /// Starts one publish inline, on the thread pool's scheduler whatever thread this is: a room grain's turn must not
    /// become the scheduler of the publish's continuations (its acknowledgement, a retry).
    /// </summary>
    private void Start(PendingCommand pending)
    {
        var start = new Task<Task>(() => PublishAsync(pending, _stopping));
        start.RunSynchronously(TaskScheduler.Default);
    }

    private async Task PublishAsync(PendingCommand pending, CancellationToken stoppingToken)
    {
        try
        {
            if (pending.Group is not null)
            {
                await PublishGroupAsync(pending, stoppingToken);
                return;
            }

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

    /// <summary>
    /// One broadcast for a group, while it is still every member's newest command; otherwise, and when the publish
    /// fails, the members that still need it get their own commands.
    /// </summary>
    private async Task PublishGroupAsync(PendingCommand pending, CancellationToken stoppingToken)
    {
        var members = _outgoing.MembersStillNewest(pending);
        if (members.Count < pending.Group!.Commands.Count)
        {
            SendOneByOne(members);
            return;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(pending.Group.Request.Topic)
            .WithPayload(pending.Group.Request.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        bool published;
        try
        {
            published = (await _client.PublishAsync(message, stoppingToken)).IsSuccess;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            _logger.LogDebug(ex, "Publish of group command {CommandId} failed; its members get their own", pending.CommandId);
            published = false;
        }

        if (!published)
        {
            SendOneByOne(members);
            return;
        }

        _metrics.GroupCommandOut();
        var elapsed = _time.GetElapsedTime(pending.AcceptedAt);
        foreach (var member in members)
        {
            _metrics.CommandOut(member.Command.Kind == DeviceKind.Mask ? "mask" : "light", elapsed);
        }
    }

    private void SendOneByOne(IReadOnlyList<PendingCommand> members)
    {
        foreach (var member in members)
        {
            _outgoing.Requeue(member);
        }
    }
}
