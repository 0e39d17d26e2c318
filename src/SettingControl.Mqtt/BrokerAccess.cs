using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt;

/// <summary>Who may connect to the embedded broker and what each may do.</summary>
/// <param name="controllerClientId">The controller's MQTT client id (<c>Mqtt:ClientId</c>): no other login may use it,
/// since a second session on it knocks the controller off the broker.</param>
public sealed class BrokerAccess(ControllerAccount controller, MqttAccountStore accounts, BrokerAccessPolicy policy, string controllerClientId = MqttOptions.DefaultClientId)
{
    public ControllerAccount Controller => controller;

    public string ControllerClientId => controllerClientId;

    public MqttAccountStore Accounts => accounts;

    public BrokerAccessPolicy Policy => policy;

    /// <summary>The principal for a login, or null when the login is wrong.</summary>
    public MqttPrincipal? Authenticate(string? username, string? password)
    {
        if (controller.Matches(username, password))
        {
            return new MqttPrincipal(username!, MqttPrincipalKind.Controller);
        }

        return accounts.Authenticate(username, password) switch
        {
            MqttAccountRole.Device => new MqttPrincipal(username!, MqttPrincipalKind.Device),
            MqttAccountRole.Gateway => new MqttPrincipal(username!, MqttPrincipalKind.Gateway),
            MqttAccountRole.Bridge => new MqttPrincipal(username!, MqttPrincipalKind.Bridge, accounts.ScopeOf(username!)),
            MqttAccountRole.Tasmota => new MqttPrincipal(username!, MqttPrincipalKind.Tasmota, accounts.ScopeOf(username!)),
            MqttAccountRole.JsonLight => new MqttPrincipal(username!, MqttPrincipalKind.JsonLight),
            _ => null,
        };
    }
}
