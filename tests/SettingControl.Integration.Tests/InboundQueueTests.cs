using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Orleans;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Conventions.SettingControlV1;

namespace SettingControl.Integration.Tests;

/// <summary>
/// One device flooding the controller (thousands of availability flips) cannot grow the link's inbound queue without
/// limit: what does not fit is dropped and counted. The broker, the device's connection and the controller's link
/// are real; the silo behind the link is one that never answers, the worst case of a slow one, so the queue's bound
/// is what is measured rather than the machine's speed.
/// </summary>
public sealed class InboundQueueTests
{
    private const string Flooder = "room-1-light-1";

    [Fact]
    public async Task A_device_flooding_availability_while_the_rooms_are_busy_fills_a_bounded_queue_and_the_rest_is_dropped_and_counted()
    {
        var accounts = new BrokerAccounts(rooms: 1);
        await using var broker = new EmbeddedBroker(IPAddress.Loopback, FreePorts.Next(), accounts.Access, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        using var metrics = new DeviceLinkMetrics();
        var silo = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new MqttDeviceLink(
            Options.Create(new MqttOptions { Port = broker.Port }),
            accounts.Controller,
            new DeviceConventionRegistry([new SettingControlV1Convention(accounts.Topics)]),
            UnansweringSilo.Create(silo.Task),
            metrics,
            TimeProvider.System,
            NullLogger<MqttDeviceLink>.Instance);
        await link.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => link.IsConnected, TimeSpan.FromSeconds(10), "the link connected");
            using var device = new MqttClientFactory().CreateMqttClient();
            await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId(Flooder)
                .WithCredentials(Flooder, accounts.PasswordOf(Flooder)).WithProtocolVersion(MqttProtocolVersion.V500).Build());
            const int flips = 1000;
            for (var i = 0; i < flips; i++)
            {
                await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(accounts.Topics.Availability(Flooder))
                    .WithPayload(i % 2 == 0 ? "offline" : "online").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }

            await Eventually.TrueAsync(() => metrics.Snapshot().MessagesIn >= flips, TimeSpan.FromSeconds(20), "every flip reached the link");

            // One message is with the (stuck) room, a queue's worth waits; everything else was dropped and counted.
            var dropped = metrics.Snapshot().DroppedByReason.GetValueOrDefault("InboundQueueFull");
            Assert.InRange(dropped, flips - MqttDeviceLink.InboundQueueCapacity - 1, flips - MqttDeviceLink.InboundQueueCapacity);
        }
        finally
        {
            silo.SetResult(true);
            await link.StopAsync(CancellationToken.None);
            link.Dispose();
        }
    }

    /// <summary>A grain factory whose device grains take every message and never answer (until released).</summary>
    public class UnansweringSilo : DispatchProxy
    {
        private Task<bool> _answer = Task.FromResult(true);

        public static IGrainFactory Create(Task<bool> answer)
        {
            var factory = DispatchProxy.Create<IGrainFactory, UnansweringSilo>();
            ((UnansweringSilo)(object)factory)._answer = answer;
            return factory;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: nameof(IGrainFactory.GetGrain) } && targetMethod.ReturnType == typeof(IDeviceGrain))
            {
                var grain = DispatchProxy.Create<IDeviceGrain, UnansweringDevice>();
                ((UnansweringDevice)(object)grain).Answer = _answer;
                return grain;
            }

            throw new NotSupportedException($"The link asked the silo for {targetMethod?.Name}.");
        }
    }

    public class UnansweringDevice : DispatchProxy
    {
        public Task<bool> Answer { get; set; } = Task.FromResult(true);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.ReturnType switch
        {
            { } t when t == typeof(Task<bool>) => Answer,
            { } t when t == typeof(ValueTask<string>) => ValueTask.FromResult<string?>(null),
            _ => throw new NotSupportedException($"The link called {targetMethod?.Name}."),
        };
    }
}
