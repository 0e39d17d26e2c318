using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The broker access rules, proved the same way on the embedded broker and on Mosquitto configured from the
/// generated files: no anonymous clients, no wrong passwords, a device publishes only its own topics and reads only
/// its own set, and only the controller publishes set.
/// </summary>
public abstract class BrokerAccessRules(ITestOutputHelper output) : IAsyncLifetime
{
    protected const string LightA = "room-1-light-1";
    protected const string LightB = "room-1-light-2";

    private readonly List<IMqttClient> _clients = [];

    protected BrokerAccounts Accounts { get; } = new(rooms: 1);

    protected abstract int Port { get; }

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_client_without_credentials_is_refused(MqttProtocolVersion version)
    {
        var (result, _) = await ConnectAsync(null, null, "anonymous-" + version, version);
        output.WriteLine($"anonymous ({version}): {result}");
        Assert.NotEqual(MqttClientConnectResultCode.Success, result);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_the_right_one_accepted()
    {
        Assert.NotEqual(MqttClientConnectResultCode.Success, (await ConnectAsync(LightA, "not-the-password", LightA)).Result);
        Assert.NotEqual(MqttClientConnectResultCode.Success, (await ConnectAsync(LightA, Accounts.PasswordOf(LightB), LightA)).Result);
        Assert.NotEqual(MqttClientConnectResultCode.Success, (await ConnectAsync("unprovisioned-light", "anything", "unprovisioned-light")).Result);
        Assert.Equal(MqttClientConnectResultCode.Success, (await ConnectAsync(LightA, Accounts.PasswordOf(LightA), LightA)).Result);
    }

    [Fact]
    public async Task A_device_cannot_publish_on_another_devices_topics_nor_send_commands()
    {
        var watcher = await WatchAllAsync();
        var (_, device) = await ConnectAsync(LightA, Accounts.PasswordOf(LightA), LightA);
        foreach (var topic in new[] { Accounts.Topics.State(LightB), Accounts.Topics.Availability(LightB), Accounts.Topics.Announce(LightB), Accounts.Topics.Set(LightB), "elsewhere/topic" })
        {
            await device!.PublishAsync(Message(topic, """{"on":true,"brightness":100,"colorTempK":6500}"""));
        }

        // Published last on the same connection, so once it arrives anything refused would have arrived before it.
        await device!.PublishAsync(Message(Accounts.Topics.State(LightA), """{"on":true,"brightness":7,"colorTempK":2700}"""));
        await Eventually.TrueAsync(() => watcher.Any(m => m.Topic == Accounts.Topics.State(LightA)), TimeSpan.FromSeconds(10), "the device's own state delivered");
        Assert.DoesNotContain(watcher, m => m.Topic.Contains(LightB, StringComparison.Ordinal) || m.Topic.StartsWith("elsewhere", StringComparison.Ordinal));
        await AssertRefusalsCountedAsync(publishes: 5, subscriptions: 0);
    }

    [Fact]
    public async Task A_device_subscribing_to_another_devices_set_gets_nothing()
    {
        var received = new ConcurrentQueue<string>();
        var (_, device) = await ConnectAsync(LightA, Accounts.PasswordOf(LightA), LightA);
        device!.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Accounts.Topics.Set(LightB), MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("settingcontrol/devices/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Accounts.Topics.Set(LightA), MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var (result, controller) = await ConnectAsync(Accounts.Controller.Username, Accounts.Controller.Password, "controller-test-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(MqttClientConnectResultCode.Success, result);
        await controller!.PublishAsync(Message(Accounts.Topics.Set(LightB), """{"commandId":"x-1","transitionMs":0,"on":true,"brightness":1}"""));
        await controller.PublishAsync(Message(Accounts.Topics.Set(LightA), """{"commandId":"x-2","transitionMs":0,"on":true,"brightness":2}"""));
        await Eventually.TrueAsync(() => received.Contains(Accounts.Topics.Set(LightA)), TimeSpan.FromSeconds(10), "the device's own set delivered");
        Assert.DoesNotContain(Accounts.Topics.Set(LightB), received);
        await AssertRefusalsCountedAsync(publishes: 0, subscriptions: 2);
    }

    [Fact]
    public async Task The_controllers_login_may_watch_everything_under_its_base_topic()
    {
        var seen = new ConcurrentQueue<MqttApplicationMessage>();
        var (result, watcher) = await ConnectAsync(Accounts.Controller.Username, Accounts.Controller.Password, "operator-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(MqttClientConnectResultCode.Success, result);
        watcher!.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        var granted = await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("settingcontrol/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(granted.Items.Single().ResultCode <= MqttClientSubscribeResultCode.GrantedQoS2, $"settingcontrol/# {granted.Items.Single().ResultCode}");

        var (_, device) = await ConnectAsync(LightA, Accounts.PasswordOf(LightA), LightA);
        await device!.PublishAsync(Message(Accounts.Topics.State(LightA), """{"on":true,"brightness":9,"colorTempK":2700}"""));
        await Eventually.TrueAsync(() => seen.Any(m => m.Topic == Accounts.Topics.State(LightA)), TimeSpan.FromSeconds(10), "the device's state seen by the operator");
    }

    /// <summary>The embedded broker counts each refusal; Mosquitto only logs them.</summary>
    protected virtual Task AssertRefusalsCountedAsync(int publishes, int subscriptions) => Task.CompletedTask;

    protected static MqttApplicationMessage Message(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    protected async Task<(MqttClientConnectResultCode Result, IMqttClient? Client)> ConnectAsync(
        string? username, string? password, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        _clients.Add(client);
        var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithClientId(clientId).WithProtocolVersion(version).WithTimeout(TimeSpan.FromSeconds(5));
        if (username is not null)
        {
            builder = builder.WithCredentials(username, password);
        }

        try
        {
            var result = await client.ConnectAsync(builder.Build());
            return (result.ResultCode, result.ResultCode == MqttClientConnectResultCode.Success ? client : null);
        }
        catch (Exception ex) when (ex is MQTTnet.Adapter.MqttConnectingFailedException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Some refusals (and a broker that closes the socket on a bad CONNECT) surface as exceptions.
            output.WriteLine($"connect as '{username}' failed: {ex.Message}");
            return (MqttClientConnectResultCode.UnspecifiedError, null);
        }
    }

    private async Task<ConcurrentQueue<MqttApplicationMessage>> WatchAllAsync()
    {
        var seen = new ConcurrentQueue<MqttApplicationMessage>();
        var (result, watcher) = await ConnectAsync(Accounts.Controller.Username, Accounts.Controller.Password, "watcher-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(MqttClientConnectResultCode.Success, result);
        watcher!.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("settingcontrol/devices/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return seen;
    }
}

public sealed class EmbeddedBrokerAccessTests(ITestOutputHelper output) : BrokerAccessRules(output)
{
    private readonly DeviceLinkMetrics _metrics = new();
    private EmbeddedBroker _broker = null!;

    protected override int Port => _broker.Port;

    public override async Task InitializeAsync()
    {
        _broker = new EmbeddedBroker(IPAddress.Loopback, FreePorts.Next(), Accounts.Access, NullLogger<EmbeddedBroker>.Instance, _metrics);
        await _broker.StartAsync(CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _broker.DisposeAsync();
        _metrics.Dispose();
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_client_without_an_id_is_given_one_as_mosquitto_sub_expects(MqttProtocolVersion version)
    {
        var (result, client) = await ConnectAsync(Accounts.Controller.Username, Accounts.Controller.Password, string.Empty, version);
        Assert.Equal(MqttClientConnectResultCode.Success, result);
        Assert.True(client!.IsConnected);
    }

    [Fact]
    public async Task A_device_must_use_its_own_id_as_client_id_and_as_last_will()
    {
        // Another client id would take over (and knock off) a different device's session.
        Assert.NotEqual(MqttClientConnectResultCode.Success, (await ConnectAsync(LightA, Accounts.PasswordOf(LightA), LightB)).Result);

        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Port).WithClientId(LightA).WithCredentials(LightA, Accounts.PasswordOf(LightA))
            .WithWillTopic(Accounts.Topics.Availability(LightB)).WithWillPayload("offline").WithWillRetain(true)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        var counters = _metrics.Snapshot().RefusedByReason;
        Assert.Equal(1, counters["ClientIdMismatch"]);
        Assert.Equal(1, counters["WillNotAllowed"]);
    }

    [Fact]
    public async Task Rotating_a_devices_password_closes_its_connection_and_the_old_password_stops_working()
    {
        var old = Accounts.PasswordOf(LightA);
        var (_, device) = await ConnectAsync(LightA, old, LightA);
        Accounts.IssueDevice(LightA);
        await Eventually.TrueAsync(() => !device!.IsConnected, TimeSpan.FromSeconds(10), "the old session closed");
        Assert.NotEqual(MqttClientConnectResultCode.Success, (await ConnectAsync(LightA, old, LightA)).Result);
        Assert.Equal(MqttClientConnectResultCode.Success, (await ConnectAsync(LightA, Accounts.PasswordOf(LightA), LightA)).Result);
    }

    protected override async Task AssertRefusalsCountedAsync(int publishes, int subscriptions)
    {
        await Eventually.TrueAsync(
            () =>
            {
                var refused = _metrics.Snapshot().RefusedByReason;
                return refused.GetValueOrDefault("PublishDenied") == publishes && refused.GetValueOrDefault("SubscribeDenied") == subscriptions;
            },
            TimeSpan.FromSeconds(5),
            $"{publishes} refused publishes and {subscriptions} refused subscriptions counted");
    }
}

public sealed class MosquittoAccessTests(ITestOutputHelper output) : BrokerAccessRules(output)
{
    private MosquittoBroker _broker = null!;

    protected override int Port => _broker.Port;

    public override async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync(Accounts);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _broker.DisposeAsync();
    }
}
