using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Broker;

/// <summary>
/// What a connected client may do: publish only payloads within <see cref="BrokerAccessPolicy.PayloadLimit"/>
/// (the controller excepted) and only where <see cref="BrokerAccessPolicy"/> lets it, and subscribe only where the
/// policy lets it. Each refusal is counted and logged at most once per account per interval.
/// </summary>
internal sealed class MessageAuthorizer(BrokerAccessPolicy policy, DeviceLinkMetrics? metrics, ILogger logger)
{
    private readonly RefusalCounter _refusals = new(metrics);

    public Task AuthorizePublish(InterceptingPublishEventArgs e)
    {
        // Messages without a session principal come from the broker itself (last wills, authorised at connect).
        if (SessionPrincipal.Of(e.SessionItems) is not { } principal)
        {
            return Task.CompletedTask;
        }

        var topic = e.ApplicationMessage.Topic;

        // Refused before anything else so an oversized message is never retained nor forwarded.
        var size = e.ApplicationMessage.Payload.Length;
        // A device's limit, unless its convention allows more (a Zigbee2MQTT bridge's device list).
        var limit = principal.Kind == MqttPrincipalKind.Controller ? long.MaxValue : policy.PayloadLimit(principal, topic);
        if (size > limit)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            e.Response.ReasonString = $"payload over {limit} bytes";
            if (_refusals.Count(BrokerRefusal.PayloadTooLarge, principal.Username, out var skipped))
            {
                logger.LogWarning("Broker refused a publish by {User} on {Topic}: {Size} bytes, over the {Limit}-byte limit ({Suppressed} more refusals of this account not logged)",
                    principal.Username, LogText.Brief(topic), size, limit, skipped);
            }

            return Task.CompletedTask;
        }

        if (!policy.MayPublish(principal, topic))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            if (_refusals.Count(BrokerRefusal.PublishDenied, principal.Username, out var suppressed))
            {
                logger.LogWarning("Broker refused a publish by {User} on {Topic}: not its topic ({Suppressed} more refusals of this account not logged)", principal.Username, LogText.Brief(topic), suppressed);
            }
        }

        return Task.CompletedTask;
    }

    public Task AuthorizeSubscription(InterceptingSubscriptionEventArgs e)
    {
        if (SessionPrincipal.Of(e.SessionItems) is not { } principal)
        {
            return Task.CompletedTask;
        }

        var filter = e.TopicFilter.Topic;
        if (!policy.MaySubscribe(principal, filter))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            if (_refusals.Count(BrokerRefusal.SubscribeDenied, principal.Username, out var suppressed))
            {
                logger.LogWarning("Broker refused a subscription by {User} to {Filter}: not its topic ({Suppressed} more refusals of this account not logged)", principal.Username, LogText.Brief(filter), suppressed);
            }
        }

        return Task.CompletedTask;
    }
}
