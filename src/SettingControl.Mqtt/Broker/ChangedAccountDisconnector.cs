using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace SettingControl.Mqtt.Broker;

/// <summary>A rotated or revoked account loses its live connection at once, not at its next reconnect.</summary>
internal sealed class ChangedAccountDisconnector(ILogger logger)
{
    /// <summary>Disconnects, in the background, every session of the account that logged in as <paramref name="username"/>.</summary>
    public void Disconnect(MqttServer server, string username)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var client in await server.GetClientsAsync())
                {
                    if (SessionPrincipal.Of(client.Session.Items) is { } p && p.Username == username)
                    {
                        await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized });
                        logger.LogInformation("Disconnected {User}: its broker account changed", username);
                    }
                }
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Could not disconnect {User} after its account changed", username);
            }
        });
    }
}
