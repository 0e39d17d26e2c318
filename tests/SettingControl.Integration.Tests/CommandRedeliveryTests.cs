using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet.Packets;
using MQTTnet.Server;
using SettingControl.Domain;
using SettingControl.FirmwareSim;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A command whose acknowledgement is lost when the broker goes away was very likely delivered. The controller may
/// retry it while it is the device's newest, but never once a newer command is accepted: that retry would reach the
/// device a second time under the same id and briefly put back an older state. (This was the cause of the
/// occasional duplicate in the embedded-broker restart test on a busy machine.)
/// </summary>
public sealed class CommandRedeliveryTests
{
    [Fact]
    public async Task A_command_whose_acknowledgement_was_lost_in_a_broker_restart_is_not_sent_again_once_a_newer_one_is_accepted()
    {
        var port = FreePorts.Next();
        var accounts = new BrokerAccounts(rooms: 1);
        var broker = new AckWithholdingBroker(port, accounts.Controller.Username);
        await broker.StartAsync();
        var settings = accounts.ExternalBrokerSettings();

        // The controller comes back well after the devices, so anything it replays finds them subscribed.
        settings["Mqtt:ReconnectDelayMs"] = "2500";
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, mqttPort: port, extra: settings);
        await using var fleet = new DeviceFleet(accounts.Devices(1, port).Select(d => d with { ReconnectDelayMs = 50 }));
        await fleet.StartAllAsync();
        var link = host.Services.GetRequiredService<IDeviceLinkStatus>();
        var lights = new[] { fleet["room-1-light-1"], fleet["room-1-light-2"] };
        await Eventually.TrueAsync(
            async () => (await host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online" && d.Actual is not null),
            TimeSpan.FromSeconds(20),
            "room-1 online with reported state");

        // Delivered to the lights, but the broker never acknowledges it to the controller before it goes away.
        broker.WithholdAcknowledgements = true;
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 22 })).EnsureSuccessStatusCode();
        foreach (var light in lights)
        {
            Assert.True(await light.WaitUntilAsync(s => s.Brightness == 22, TimeSpan.FromSeconds(15)));
        }

        await broker.StopAsync();
        await Eventually.TrueAsync(() => !link.IsConnected && fleet.Devices.All(d => !d.IsConnected), TimeSpan.FromSeconds(15), "everyone noticed the broker is gone");
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 35 })).EnsureSuccessStatusCode();

        broker = new AckWithholdingBroker(port, accounts.Controller.Username);
        await broker.StartAsync();
        try
        {
            foreach (var light in lights)
            {
                Assert.True(await light.WaitUntilAsync(s => s.Brightness == 35, TimeSpan.FromSeconds(20)), $"{light.DeviceId} got the newer command");
            }

            await Eventually.TrueAsync(async () => (await host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"), TimeSpan.FromSeconds(10), "room online again");
            Assert.All(lights, l => Assert.Equal(0, l.DuplicateCommandCount));
            Assert.All(lights, l => Assert.Equal(35, l.Current.Brightness));
        }
        finally
        {
            await host.StopAsync();
            await fleet.DisposeAsync();
            await broker.StopAsync();
        }
    }

    [Fact]
    public async Task A_failed_publish_is_put_back_only_while_it_is_the_devices_newest_command()
    {
        var queue = new PendingCommands();
        queue.Enqueue(Command(22), "c-1");
        var first = (await queue.TakeAsync(CancellationToken.None))!;

        // Nothing newer: the retry stands (same id; the device's memory of ids makes it harmless).
        Assert.True(queue.Requeue(first));
        Assert.Equal("c-1", (await queue.TakeAsync(CancellationToken.None))!.CommandId);

        // A newer command published while the old one was still in flight: the old one must not come back after it.
        queue.Enqueue(Command(35), "c-2");
        var second = (await queue.TakeAsync(CancellationToken.None))!;
        Assert.False(queue.Requeue(first));
        Assert.Equal(0, queue.Count);

        // A newer command still waiting: it wins, and the retry is dropped.
        queue.Enqueue(Command(40), "c-3");
        Assert.False(queue.Requeue(second));
        Assert.Equal(1, queue.Count);
        Assert.Equal("c-3", (await queue.TakeAsync(CancellationToken.None))!.CommandId);
    }

    private static DeviceCommand Command(int brightness) =>
        new("room-1-light-1", DeviceKind.Light, true, brightness, 2700, null, 0);

    /// <summary>A plain MQTTnet broker (no accounts) that can stop acknowledging the controller's publishes.</summary>
    private sealed class AckWithholdingBroker(int port, string controllerUsername)
    {
        private MqttServer? _server;

        public volatile bool WithholdAcknowledgements;

        public async Task StartAsync()
        {
            var options = new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
                .WithDefaultEndpointPort(port)
                .Build();
            _server = new MqttServerFactory().CreateMqttServer(options);
            _server.InterceptingOutboundPacketAsync += e =>
            {
                if (WithholdAcknowledgements && e.Packet is MqttPubAckPacket && e.UserName == controllerUsername)
                {
                    e.ProcessPacket = false;
                }

                return Task.CompletedTask;
            };
            await _server.StartAsync();
        }

        public async Task StopAsync()
        {
            if (_server is { } server)
            {
                _server = null;
                await server.StopAsync();
                server.Dispose();
            }
        }
    }
}
