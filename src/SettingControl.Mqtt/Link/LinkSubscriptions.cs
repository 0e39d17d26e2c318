using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using SettingControl.Mqtt.Conventions;

namespace SettingControl.Mqtt.Link;

/// <summary>
/// The device link's topic subscriptions: every convention's filters after each connect (which makes the broker
/// re-deliver every device's retained messages), and the difference whenever the conventions' filters change while
/// connected (a bridge registered or removed), so a new bridge is heard at once rather than at the next reconnect.
/// </summary>
internal sealed class LinkSubscriptions
{
    private readonly IMqttClient _client;
    private readonly DeviceConventionRegistry _conventions;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changing = new(1, 1);
    private HashSet<string> _subscribed = new(StringComparer.Ordinal);

    public LinkSubscriptions(IMqttClient client, DeviceConventionRegistry conventions, ILogger logger)
    {
        _client = client;
        _conventions = conventions;
        _logger = logger;
        _conventions.SubscriptionFiltersChanged += () => _ = FollowChangeAsync();
    }

    /// <summary>After a (clean-start) connect: the session has no subscriptions, so subscribe to every filter.</summary>
    public async Task SubscribeAllAsync(CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(cancellationToken);
        try
        {
            _subscribed = new HashSet<string>(StringComparer.Ordinal);
            await SubscribeAsync(_conventions.SubscriptionFilters, cancellationToken);
        }
        finally
        {
            _changing.Release();
        }
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
    private async Task FollowChangeAsync()
    {
        try
        {
            await _changing.WaitAsync();
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
                _changing.Release();
            }
        }
        catch (Exception ex)
        {
            // The next reconnect subscribes to everything anyway.
            _logger.LogWarning("Device link could not change its subscriptions: {Reason}", ex.GetBaseException().Message);
        }
    }
}
