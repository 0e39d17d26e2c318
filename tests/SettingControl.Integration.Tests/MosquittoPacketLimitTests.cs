using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt.Security;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>On Mosquitto configured from the generated mosquitto.conf, an oversized device packet is never retained.</summary>
public sealed class MosquittoPacketLimitTests(ITestOutputHelper output)
{
    private const string Light = "room-1-light-1";

    [Fact]
    public async Task A_device_sending_a_1_MB_retained_state_to_Mosquitto_is_dropped_and_nothing_oversized_is_retained()
    {
        var accounts = new BrokerAccounts(rooms: 1);
        await using var broker = await MosquittoBroker.StartAsync(accounts);
        var topic = $"settingcontrol/devices/{Light}/state";
        using var device = await ConnectAsync(broker.Port, Light, accounts.PasswordOf(Light), Light);
        var valid = await device.PublishAsync(Retained(topic, Encoding.UTF8.GetBytes("""{"on":true,"brightness":30,"colorTempK":2700}""")));
        Assert.True(valid.IsSuccess);

        var huge = Encoding.UTF8.GetBytes("{\"on\":true,\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");
        try
        {
            var refused = await device.PublishAsync(Retained(topic, huge));
            output.WriteLine($"1 MB publish answered {refused.ReasonCode}");
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            output.WriteLine($"1 MB publish: the broker dropped the device ({ex.GetType().Name})");
        }

        var retained = new ConcurrentQueue<MqttApplicationMessage>();
        using var watcher = await ConnectAsync(broker.Port, accounts.Controller.Username, accounts.Controller.Password, "late-watcher");
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            retained.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        await Eventually.TrueAsync(() => !retained.IsEmpty, TimeSpan.FromSeconds(10), "the retained state delivered");
        Assert.All(retained, m => Assert.True(m.Payload.Length <= MosquittoConfig.MaxPacketBytes, $"retained {m.Payload.Length} bytes"));
        Assert.Contains("\"brightness\":30", retained.First().ConvertPayloadToString());
    }

    private static MqttApplicationMessage Retained(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(true).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task<IMqttClient> ConnectAsync(int port, string username, string password, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithCredentials(username, password)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        var result = await client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }
}
