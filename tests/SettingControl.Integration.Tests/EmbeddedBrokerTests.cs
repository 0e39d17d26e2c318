using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;

namespace SettingControl.Integration.Tests;

public sealed class EmbeddedBrokerTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_client_without_an_id_is_given_one_as_mosquitto_sub_expects(MqttProtocolVersion version)
    {
        var port = FreePorts.Next();
        await using var broker = new EmbeddedBroker(IPAddress.Loopback, port, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(version)
            .WithClientId(string.Empty)
            .WithCleanSession(true)
            .Build());

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.True(client.IsConnected);
    }
}
