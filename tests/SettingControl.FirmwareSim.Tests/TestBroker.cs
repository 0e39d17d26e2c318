using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>A real MQTTnet broker on 127.0.0.1, in memory (retained messages die with it, like a broker restart).</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private TestBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
        _server.ClientDisconnectedAsync += e =>
        {
            Disconnects.Enqueue((e.ClientId, e.DisconnectType));
            return Task.CompletedTask;
        };
        _server.ClientAcknowledgedPublishPacketAsync += e =>
        {
            Acknowledged.Enqueue((e.ClientId, e.PublishPacket.Topic));
            return Task.CompletedTask;
        };
    }

    public int Port { get; }

    /// <summary>Every client disconnect the broker saw, with how it happened (clean DISCONNECT or not).</summary>
    public ConcurrentQueue<(string ClientId, MqttClientDisconnectType Type)> Disconnects { get; } = new();

    /// <summary>Every QoS 1 delivery a client acknowledged: proof that a device has handled a message.</summary>
    public ConcurrentQueue<(string ClientId, string Topic)> Acknowledged { get; } = new();

    /// <summary>Starts a broker on <paramref name="port"/>, or on a free port when none is given.</summary>
    public static async Task<TestBroker> StartAsync(int? port = null)
    {
        var chosenPort = port ?? FreePort();
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(chosenPort)

            // A restarted broker must be able to take the same port again at once.
            .WithDefaultEndpointReuseAddress()
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync();
        return new TestBroker(server, chosenPort);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsStarted)
        {
            await _server.StopAsync(new MqttServerStopOptions());
        }

        _server.Dispose();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
