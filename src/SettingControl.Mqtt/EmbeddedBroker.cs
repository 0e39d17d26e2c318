using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
