using System.Net;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace SettingControl.Mqtt;

/// <summary>
/// The single-machine broker: MQTTnet's server inside the host process. It keeps retained messages in
/// memory, which is enough because devices re-publish theirs whenever they (re)connect. It has no
/// shared subscriptions, so a multi-silo cluster uses an external broker instead.
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly IPAddress _address;
    private readonly int _port;
    private MqttServer? _server;

    public EmbeddedBroker(IOptions<MqttOptions> options, ILogger<EmbeddedBroker> logger)
        : this(IPAddress.Parse(options.Value.BindAddress), options.Value.Port, logger)
    {
    }

    public EmbeddedBroker(IPAddress address, int port, ILogger<EmbeddedBroker> logger)
    {
        _address = address;
        _port = port;
        _logger = logger;
    }

    public int Port => _port;

    public bool IsRunning => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(_address)
            .WithDefaultEndpointPort(_port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.ValidatingConnectionAsync += AssignIdToAnonymousClients;
        await _server.StartAsync();
        _logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}", _address, _port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync();
            server.Dispose();
            _logger.LogInformation("Embedded MQTT broker stopped");
        }
    }

    /// <summary>
    /// MQTT lets a client connect with an empty id and a clean session and have the broker pick one;
    /// mosquitto_sub does exactly that by default. MQTTnet 5 assigns an id only to MQTT 5 clients (through
    /// <see cref="ValidatingConnectionEventArgs.AssignedClientIdentifier"/>) and refuses MQTT 3.1.1 ones,
    /// so for those the id is written into the CONNECT packet that the event wraps. A test connects
    /// with an empty id over 3.1.1 and fails if a newer MQTTnet moves that packet.
    /// </summary>
    private static Task AssignIdToAnonymousClients(ValidatingConnectionEventArgs e)
    {
        if (!string.IsNullOrEmpty(e.ClientId) || e.CleanSession != true)
        {
            return Task.CompletedTask;
        }

        var assigned = "auto-" + Guid.NewGuid().ToString("N");
        e.AssignedClientIdentifier = assigned;
        if (ConnectPacketField?.GetValue(e) is MqttConnectPacket packet)
        {
            packet.ClientId = assigned;
        }

        return Task.CompletedTask;
    }

    private static readonly FieldInfo? ConnectPacketField = typeof(ValidatingConnectionEventArgs)
        .GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
        .FirstOrDefault(f => f.FieldType == typeof(MqttConnectPacket));

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
