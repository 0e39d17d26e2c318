using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>One message as the controller saw it.</summary>
internal sealed record Received(int Index, string Topic, byte[] Payload, bool Retain)
{
    public string Text => Encoding.UTF8.GetString(Payload);

    public override string ToString() => $"#{Index} {Topic} retain={Retain} {(Payload.Length > 120 ? $"<{Payload.Length} bytes>" : Text)}";
}

/// <summary>
/// A real MQTT client playing the controller: it records everything under the devices prefix and sends <c>set</c>
/// commands. Subscribed with retain-as-published, so live messages show whether the device published them retained.
/// </summary>
internal sealed class ControllerProbe : IAsyncDisposable
{
    private static int _instances;
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<Received> _messages = new();
    private int _count;

    private ControllerProbe(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var index = Interlocked.Increment(ref _count) - 1;
            var m = e.ApplicationMessage;
            _messages.Enqueue(new Received(index, m.Topic, m.Payload.ToArray(), m.Retain));
            return Task.CompletedTask;
        };
    }

    public DeviceTopics Topics { get; } = new();

    /// <summary>Number of messages so far; pass it as <c>since</c> to wait only for later ones.</summary>
    public int Count => Volatile.Read(ref _count);

    public IReadOnlyList<Received> Messages => _messages.OrderBy(m => m.Index).ToArray();

    public static async Task<ControllerProbe> ConnectAsync(int port)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var probe = new ControllerProbe(client);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId($"probe-{Interlocked.Increment(ref _instances)}-{Guid.NewGuid():N}")
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var connect = await client.ConnectAsync(options, timeout.Token);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f
                .WithTopic($"{DeviceTopics.DefaultBaseTopic}/devices/#")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainAsPublished(true))
            .Build();
        await client.SubscribeAsync(subscribe, timeout.Token);
        return probe;
    }

    public Task SendSetAsync(string deviceId, SetPayload set) => SendRawSetAsync(deviceId, PayloadWriter.Write(set));

    public async Task SendRawSetAsync(string deviceId, byte[] payload)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Set(deviceId))
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await _client.PublishAsync(message);
        Assert.True(result.IsSuccess, $"publish failed: {result.ReasonCode}");
    }

    /// <summary>Waits (polling) for the first message at or after <paramref name="since"/> matching <paramref name="predicate"/>.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> predicate, string what, int since = 0, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var match = Messages.FirstOrDefault(m => m.Index >= since && predicate(m));
            if (match is not null)
            {
                return match;
            }

            if (DateTime.UtcNow > deadline)
            {
                var seen = string.Join(Environment.NewLine, Messages.Where(m => m.Index >= since).TakeLast(30));
                Assert.Fail($"Timed out waiting for {what}. Last messages:{Environment.NewLine}{seen}");
            }

            await Task.Delay(20);
        }
    }

    public Task<Received> WaitForStateAsync(string deviceId, Func<StatePayload, bool> predicate, string what, int since = 0) =>
        WaitForAsync(m => m.Topic == Topics.State(deviceId) && PayloadParser.ParseState(m.Payload).Value is { } s && predicate(s), what, since);

    public Task<Received> WaitForAvailabilityAsync(string deviceId, string value, int since = 0) =>
        WaitForAsync(m => m.Topic == Topics.Availability(deviceId) && m.Text == value, $"availability '{value}' of {deviceId}", since);

    /// <summary>Parsed state reports of one device from <paramref name="since"/> up to and including <paramref name="until"/>.</summary>
    public IReadOnlyList<StatePayload> StatesOf(string deviceId, int since, int until) => Messages
        .Where(m => m.Index >= since && m.Index <= until && m.Topic == Topics.State(deviceId))
        .Select(m => PayloadParser.ParseState(m.Payload).Value ?? throw new InvalidOperationException($"invalid state {m}"))
        .ToArray();

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        _client.Dispose();
    }
}
