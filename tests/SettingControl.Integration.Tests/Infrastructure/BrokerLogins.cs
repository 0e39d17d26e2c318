using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Formatter;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>What a device's login is let do on a broker, tried with a plain MQTT client.</summary>
public static class BrokerLogins
{
    /// <summary>Whether the broker accepts the login with this client id.</summary>
    public static async Task<bool> ConnectsAsync(int port, string clientId, string username, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId)
                .WithCredentials(username, password).WithProtocolVersion(MqttProtocolVersion.V500).Build());
            return result.ResultCode == MqttClientConnectResultCode.Success;
        }
        catch (Exception ex) when (ex is MqttConnectingFailedException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            return false;
        }
    }
}
