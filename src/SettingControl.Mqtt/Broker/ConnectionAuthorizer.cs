using System.Net;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Broker;

/// <summary>
/// Who may connect: no anonymous clients and no wrong passwords, a device's client id is its username (so no one can
/// take over another device's session), only the controller's login may use the controller's client id, and a last
/// will must be a message its client may publish. The login's principal is kept in the session for later checks.
/// </summary>
internal sealed class ConnectionAuthorizer(BrokerAccess access, DeviceLinkMetrics? metrics, ILogger logger)
{
    private readonly RefusalCounter _refusals = new(metrics);

    public Task ValidateConnection(ValidatingConnectionEventArgs e)
    {
        ConnectPackets.AssignIdToAnonymousClient(e);
        if (string.IsNullOrEmpty(e.UserName))
        {
            return Refuse(e, BrokerRefusal.NoCredentials, MqttConnectReasonCode.BadUserNameOrPassword);
        }

        if (access.Authenticate(e.UserName, e.Password) is not { } principal)
        {
            return Refuse(e, BrokerRefusal.BadCredentials, MqttConnectReasonCode.BadUserNameOrPassword);
        }

        // A device is its username: another client id would let it take over (and knock off) a different device's session.
        if (principal.Kind == MqttPrincipalKind.Device && e.ClientId != principal.Username)
        {
            return Refuse(e, BrokerRefusal.ClientIdMismatch, MqttConnectReasonCode.ClientIdentifierNotValid);
        }

        // The same takeover aimed at the controller: only the controller's own login may use its client id.
        if (principal.Kind != MqttPrincipalKind.Controller && string.Equals(e.ClientId, access.ControllerClientId, StringComparison.Ordinal))
        {
            return Refuse(e, BrokerRefusal.ClientIdReserved, MqttConnectReasonCode.ClientIdentifierNotValid);
        }

        // A Tasmota (DVES_ and its MAC) or an ESPHome light (its name and MAC) picks its own client id: it may not pick
        // another account's, whose session it would take over.
        if (principal.Kind is MqttPrincipalKind.Tasmota or MqttPrincipalKind.JsonLight && e.ClientId != principal.Username && access.Accounts.Has(e.ClientId))
        {
            return Refuse(e, BrokerRefusal.ClientIdReserved, MqttConnectReasonCode.ClientIdentifierNotValid);
        }

        // The last will is published later by the broker on the client's behalf, so it is authorised now.
        var willTopic = ConnectPackets.Of(e)?.WillTopic;
        if (!string.IsNullOrEmpty(willTopic) && !access.Policy.MayPublish(principal, willTopic))
        {
            return Refuse(e, BrokerRefusal.WillNotAllowed, MqttConnectReasonCode.NotAuthorized);
        }

        SessionPrincipal.Set(e.SessionItems, principal);
        e.ReasonCode = MqttConnectReasonCode.Success;
        return Task.CompletedTask;
    }

    private Task Refuse(ValidatingConnectionEventArgs e, BrokerRefusal reason, MqttConnectReasonCode code)
    {
        e.ReasonCode = code;

        // Keyed by address rather than client id: a flood of refused connects usually makes up a new id each time.
        var from = e.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : "unknown";
        if (_refusals.Count(reason, $"{from}|{reason}", out var suppressed))
        {
            logger.LogWarning("Broker refused a connection from {Address}: {Reason} (client id '{ClientId}', user '{User}'; {Suppressed} more like it not logged)",
                from, reason, LogText.Brief(e.ClientId), LogText.Brief(e.UserName), suppressed);
        }

        return Task.CompletedTask;
    }
}
