using System.Collections;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Broker;

/// <summary>
/// Who a session logged in as, kept in the session's items from the connect on. A session without one is the
/// broker's own (it publishes last wills, which were authorised at connect).
/// </summary>
internal static class SessionPrincipal
{
    private const string Key = "settingcontrol.principal";

    public static void Set(IDictionary sessionItems, MqttPrincipal principal) => sessionItems[Key] = principal;

    public static MqttPrincipal? Of(IDictionary sessionItems) => sessionItems[Key] as MqttPrincipal?;
}
