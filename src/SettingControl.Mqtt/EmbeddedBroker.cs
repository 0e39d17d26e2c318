using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;
using SettingControl.DeviceProtocol;
using SettingControl.Mqtt.Broker;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt;

/// <summary>
/// The single-machine broker: MQTTnet's server inside the host process. It keeps retained messages in
/// memory, which is enough because devices re-publish theirs whenever they (re)connect. It has no
/// shared subscriptions, so a multi-silo cluster uses an external broker instead.
/// It refuses anonymous clients and wrong passwords, makes a device's client id its username (so no
/// one can take over another device's session), and enforces <see cref="BrokerAccessPolicy"/> on every
/// publish, subscribe and last will. Every refusal is counted, and logged briefly (never with the password), at most
/// once per client and reason per interval.
/// It listens exclusively: no address or port reuse, so a second host on the same port fails to start instead of
/// silently sharing the port (the kernel would split the devices between the two brokers).
/// This class is the broker's lifecycle; who may connect is <see cref="ConnectionAuthorizer"/>, what they may publish
/// and subscribe is <see cref="MessageAuthorizer"/>, and the endpoint and TLS are <see cref="BrokerServerOptions"/>.
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    /// <summary>
    /// The largest payload a device or gateway may publish: the device protocol's own limit. MQTTnet 5's server has no
    /// maximum packet size of its own (its CONNACK always says "unlimited"), so anything larger is refused here, at
    /// publish time, before it can be retained or forwarded.
    /// </summary>
    public const int MaxDevicePayloadBytes = PayloadParser.MaxPayloadBytes;

    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly IPAddress _address;
    private readonly int _port;
    private readonly BrokerAccess _access;
    private readonly X509Certificate2? _certificate;
    private readonly ConnectionAuthorizer _connections;
    private readonly MessageAuthorizer _messages;
    private readonly ChangedAccountDisconnector _changedAccounts;
    private MqttServer? _server;

    public EmbeddedBroker(IOptions<MqttOptions> options, BrokerAccess access, DeviceLinkMetrics metrics, ILogger<EmbeddedBroker> logger)
        : this(
            IPAddress.Parse(options.Value.BindAddress),
            options.Value.Port,
            access,
            logger,
            metrics,
            options.Value.UseTls ? BrokerServerOptions.LoadCertificate(options.Value) : null)
    {
        metrics.ObserveBroker(() => ConnectedClients);
    }

    /// <param name="certificate">When given, the broker serves TLS only (no plain endpoint), on <paramref name="port"/>.</param>
    public EmbeddedBroker(IPAddress address, int port, BrokerAccess access, ILogger<EmbeddedBroker> logger, DeviceLinkMetrics? metrics = null, X509Certificate2? certificate = null)
    {
        _address = address;
        _port = port;
        _access = access;
        _logger = logger;
        _certificate = certificate;
        _connections = new ConnectionAuthorizer(access, metrics, logger);
        _messages = new MessageAuthorizer(access.Policy, metrics, logger);
        _changedAccounts = new ChangedAccountDisconnector(logger);
        _access.Accounts.Changed += OnAccountChanged;
    }

    public int Port => _port;

    public bool IsRunning => _server?.IsStarted == true;

    /// <summary>Clients connected right now (0 when stopped).</summary>
    public int ConnectedClients => _server is { IsStarted: true } server ? server.GetClientsAsync().GetAwaiter().GetResult().Count : 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = new MqttServerFactory().CreateMqttServer(BrokerServerOptions.For(_address, _port, _certificate));
        server.ValidatingConnectionAsync += _connections.ValidateConnection;
        server.InterceptingPublishAsync += _messages.AuthorizePublish;
        server.InterceptingSubscriptionAsync += _messages.AuthorizeSubscription;
        try
        {
            await server.StartAsync();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            server.Dispose();
            var message = $"MQTT port {_port} on {_address} is already in use (another SettingControl host or an MQTT broker?). " +
                          "Stop it, or give this host another Mqtt:Port.";
            _logger.LogCritical("{Message}", message);
            throw new InvalidOperationException(message);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        _server = server;
        _logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}{Tls}", _address, _port, _certificate is null ? "" : " (TLS)");
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

    private void OnAccountChanged(string username)
    {
        if (_server is { IsStarted: true } server)
        {
            _changedAccounts.Disconnect(server, username);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _access.Accounts.Changed -= OnAccountChanged;
        await StopAsync(CancellationToken.None);
    }
}
