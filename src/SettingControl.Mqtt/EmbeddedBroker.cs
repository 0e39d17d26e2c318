using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SettingControl.DeviceProtocol;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt;

/// <summary>Who may connect to the embedded broker and what each may do.</summary>
/// <param name="controllerClientId">The controller's MQTT client id (<c>Mqtt:ClientId</c>): no other login may use it,
/// since a second session on it knocks the controller off the broker.</param>
public sealed class BrokerAccess(ControllerAccount controller, MqttAccountStore accounts, BrokerAccessPolicy policy, string controllerClientId = MqttOptions.DefaultClientId)
{
    public ControllerAccount Controller => controller;

    public string ControllerClientId => controllerClientId;

    public MqttAccountStore Accounts => accounts;

    public BrokerAccessPolicy Policy => policy;

    /// <summary>The principal for a login, or null when the login is wrong.</summary>
    public MqttPrincipal? Authenticate(string? username, string? password)
    {
        if (controller.Matches(username, password))
        {
            return new MqttPrincipal(username!, MqttPrincipalKind.Controller);
        }

        return accounts.Authenticate(username, password) switch
        {
            MqttAccountRole.Device => new MqttPrincipal(username!, MqttPrincipalKind.Device),
            MqttAccountRole.Gateway => new MqttPrincipal(username!, MqttPrincipalKind.Gateway),
            MqttAccountRole.Bridge => new MqttPrincipal(username!, MqttPrincipalKind.Bridge, accounts.ScopeOf(username!)),
            _ => null,
        };
    }
}

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
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    private const string PrincipalKey = "settingcontrol.principal";

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
    private readonly DeviceLinkMetrics? _metrics;
    private readonly X509Certificate2? _certificate;
    private readonly RefusalLogThrottle _refusalLog = new(TimeSpan.FromSeconds(10));
    private readonly RefusalLogThrottle _connectRefusalLog = new(TimeSpan.FromSeconds(10));
    private MqttServer? _server;

    public EmbeddedBroker(IOptions<MqttOptions> options, BrokerAccess access, DeviceLinkMetrics metrics, ILogger<EmbeddedBroker> logger)
        : this(
            IPAddress.Parse(options.Value.BindAddress),
            options.Value.Port,
            access,
            logger,
            metrics,
            options.Value.UseTls ? LoadCertificate(options.Value) : null)
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
        _metrics = metrics;
        _certificate = certificate;
        _access.Accounts.Changed += OnAccountChanged;
    }

    public int Port => _port;

    public bool IsRunning => _server?.IsStarted == true;

    /// <summary>Clients connected right now (0 when stopped).</summary>
    public int ConnectedClients => _server is { IsStarted: true } server ? server.GetClientsAsync().GetAwaiter().GetResult().Count : 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttServerOptionsBuilder();
        if (_certificate is null)
        {
            builder = builder
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(_address)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
                .WithDefaultEndpointPort(_port);
        }
        else
        {
            builder = builder
                .WithoutDefaultEndpoint()
                .WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(_address)
                .WithEncryptedEndpointBoundIPV6Address(IPAddress.None)
                .WithEncryptedEndpointPort(_port)
                .WithEncryptionCertificate(_certificate);
        }

        var options = builder.Build();

        // A device that goes silent without a goodbye (cable pulled) is declared offline 1.5 keep-alives after its
        // last packet; checking every 100 ms instead of MQTTnet's default keeps that close to the MQTT rule.
        options.KeepAliveOptions.MonitorInterval = TimeSpan.FromMilliseconds(100);
        var server = new MqttServerFactory().CreateMqttServer(options);
        server.ValidatingConnectionAsync += ValidateConnection;
        server.InterceptingPublishAsync += AuthorizePublish;
        server.InterceptingSubscriptionAsync += AuthorizeSubscription;
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

    private Task ValidateConnection(ValidatingConnectionEventArgs e)
    {
        AssignIdToAnonymousClients(e);
        if (string.IsNullOrEmpty(e.UserName))
        {
            return Refuse(e, BrokerRefusal.NoCredentials, MqttConnectReasonCode.BadUserNameOrPassword);
        }

        if (_access.Authenticate(e.UserName, e.Password) is not { } principal)
        {
            return Refuse(e, BrokerRefusal.BadCredentials, MqttConnectReasonCode.BadUserNameOrPassword);
        }

        // A device is its username: another client id would let it take over (and knock off) a different device's session.
        if (principal.Kind == MqttPrincipalKind.Device && e.ClientId != principal.Username)
        {
            return Refuse(e, BrokerRefusal.ClientIdMismatch, MqttConnectReasonCode.ClientIdentifierNotValid);
        }

        // The same takeover aimed at the controller: only the controller's own login may use its client id.
        if (principal.Kind != MqttPrincipalKind.Controller && string.Equals(e.ClientId, _access.ControllerClientId, StringComparison.Ordinal))
        {
            return Refuse(e, BrokerRefusal.ClientIdReserved, MqttConnectReasonCode.ClientIdentifierNotValid);
        }

        // The last will is published later by the broker on the client's behalf, so it is authorised now.
        var willTopic = (ConnectPacketField?.GetValue(e) as MqttConnectPacket)?.WillTopic;
        if (!string.IsNullOrEmpty(willTopic) && !_access.Policy.MayPublish(principal, willTopic))
        {
            return Refuse(e, BrokerRefusal.WillNotAllowed, MqttConnectReasonCode.NotAuthorized);
        }

        e.SessionItems[PrincipalKey] = principal;
        e.ReasonCode = MqttConnectReasonCode.Success;
        return Task.CompletedTask;
    }

    private Task Refuse(ValidatingConnectionEventArgs e, BrokerRefusal reason, MqttConnectReasonCode code)
    {
        e.ReasonCode = code;
        _metrics?.Refused(reason);

        // Keyed by address rather than client id: a flood of refused connects usually makes up a new id each time.
        var from = e.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : "unknown";
        if (_connectRefusalLog.ShouldLog($"{from}|{reason}", out var suppressed))
        {
            _logger.LogWarning("Broker refused a connection from {Address}: {Reason} (client id '{ClientId}', user '{User}'; {Suppressed} more like it not logged)",
                from, reason, LogText.Brief(e.ClientId), LogText.Brief(e.UserName), suppressed);
        }

        return Task.CompletedTask;
    }

    private Task AuthorizePublish(InterceptingPublishEventArgs e)
    {
        // Messages without a session principal come from the broker itself (last wills, authorised at connect).
        if (e.SessionItems[PrincipalKey] is not MqttPrincipal principal)
        {
            return Task.CompletedTask;
        }

        var topic = e.ApplicationMessage.Topic;

        // Refused before anything else so an oversized message is never retained nor forwarded.
        var size = e.ApplicationMessage.Payload.Length;
        var limit = principal.Kind == MqttPrincipalKind.Controller ? long.MaxValue : _access.Policy.PayloadLimit(principal, topic);
        if (size > limit)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            e.Response.ReasonString = $"payload over {limit} bytes";
            _metrics?.Refused(BrokerRefusal.PayloadTooLarge);
            if (_refusalLog.ShouldLog(principal.Username, out var skipped))
            {
                _logger.LogWarning("Broker refused a publish by {User} on {Topic}: {Size} bytes, over the {Limit}-byte limit ({Suppressed} more refusals of this account not logged)",
                    principal.Username, LogText.Brief(topic), size, limit, skipped);
            }

            return Task.CompletedTask;
        }

        if (!_access.Policy.MayPublish(principal, topic))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            _metrics?.Refused(BrokerRefusal.PublishDenied);
            if (_refusalLog.ShouldLog(principal.Username, out var suppressed))
            {
                _logger.LogWarning("Broker refused a publish by {User} on {Topic}: not its topic ({Suppressed} more refusals of this account not logged)", principal.Username, LogText.Brief(topic), suppressed);
            }
        }

        return Task.CompletedTask;
    }

    private Task AuthorizeSubscription(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[PrincipalKey] is not MqttPrincipal principal)
        {
            return Task.CompletedTask;
        }

        var filter = e.TopicFilter.Topic;
        if (!_access.Policy.MaySubscribe(principal, filter))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            _metrics?.Refused(BrokerRefusal.SubscribeDenied);
            if (_refusalLog.ShouldLog(principal.Username, out var suppressed))
            {
                _logger.LogWarning("Broker refused a subscription by {User} to {Filter}: not its topic ({Suppressed} more refusals of this account not logged)", principal.Username, LogText.Brief(filter), suppressed);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A rotated or revoked account loses its live connection at once, not at its next reconnect.</summary>
    private void OnAccountChanged(string username)
    {
        if (_server is not { IsStarted: true } server)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var client in await server.GetClientsAsync())
                {
                    if (client.Session.Items[PrincipalKey] is MqttPrincipal p && p.Username == username)
                    {
                        await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized });
                        _logger.LogInformation("Disconnected {User}: its broker account changed", username);
                    }
                }
            }
            catch (Exception ex)
            {
                _logger.LogDebug(ex, "Could not disconnect {User} after its account changed", username);
            }
        });
    }

    /// <summary>
    /// MQTT lets a client connect with an empty id and a clean session and have the broker pick one;
    /// mosquitto_sub does exactly that by default. MQTTnet 5 assigns an id only to MQTT 5 clients (through
    /// <see cref="ValidatingConnectionEventArgs.AssignedClientIdentifier"/>) and refuses MQTT 3.1.1 ones,
    /// so for those the id is written into the CONNECT packet that the event wraps. A test connects
    /// with an empty id over 3.1.1 and fails if a newer MQTTnet moves that packet.
    /// </summary>
    private static void AssignIdToAnonymousClients(ValidatingConnectionEventArgs e)
    {
        if (!string.IsNullOrEmpty(e.ClientId) || e.CleanSession != true)
        {
            return;
        }

        var assigned = "auto-" + Guid.NewGuid().ToString("N");
        e.AssignedClientIdentifier = assigned;
        if (ConnectPacketField?.GetValue(e) is MqttConnectPacket packet)
        {
            packet.ClientId = assigned;
        }
    }

    private static readonly FieldInfo? ConnectPacketField = typeof(ValidatingConnectionEventArgs)
        .GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
        .FirstOrDefault(f => f.FieldType == typeof(MqttConnectPacket));

    private static X509Certificate2 LoadCertificate(MqttOptions options) =>
        options.CertificateFile is { Length: > 0 } cert && options.KeyFile is { Length: > 0 } key
            ? BrokerTls.LoadServerCertificate(cert, key)
            : throw new InvalidOperationException("Mqtt:UseTls with the embedded broker needs Mqtt:CertificateFile and Mqtt:KeyFile (PEM).");

    public async ValueTask DisposeAsync()
    {
        _access.Accounts.Changed -= OnAccountChanged;
        await StopAsync(CancellationToken.None);
    }
}

/// <summary>
/// A misbehaving client can send thousands of refused messages or connects a second: every one is counted, but each key
/// (an account, or an address and reason) gets at most one warning per interval, with the number left unlogged, so the
/// log stays readable. The keys are bounded: entries older than the interval are forgotten once there are many.
/// </summary>
internal sealed class RefusalLogThrottle(TimeSpan interval, int maxKeys = 1024)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long LastLogged, int Suppressed)> _keys = new(StringComparer.Ordinal);

    public bool ShouldLog(string key, out int suppressed)
    {
        var now = Environment.TickCount64;
        if (_keys.Count >= maxKeys && !_keys.ContainsKey(key))
        {
            Forget(now);
            if (_keys.Count >= maxKeys)
            {
                // Still full of keys seen within the interval: a flood from many sources. Counted, not logged.
                suppressed = 0;
                return false;
            }
        }

        var log = false;
        var suppressedNow = 0;
        _keys.AddOrUpdate(
            key,
            _ =>
            {
                log = true;
                return (now, 0);
            },
            (_, entry) =>
            {
                if (now - entry.LastLogged >= interval.TotalMilliseconds)
                {
                    log = true;
                    suppressedNow = entry.Suppressed;
                    return (now, 0);
                }

                log = false;
                return (entry.LastLogged, entry.Suppressed + 1);
            });
        suppressed = suppressedNow;
        return log;
    }

    private void Forget(long now)
    {
        foreach (var (key, entry) in _keys)
        {
            if (now - entry.LastLogged >= interval.TotalMilliseconds)
            {
                _keys.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>What a client sent, made safe and short for one log line: no control characters, at most 64 characters.</summary>
internal static class LogText
{
    private const int MaxLength = 64;

    public static string Brief(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var text = value.Length > MaxLength ? value[..MaxLength] + "…" : value;
        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}

/// <summary>Why the broker turned a client or one of its messages away (a metrics tag).</summary>
public enum BrokerRefusal
{
    NoCredentials,
    BadCredentials,
    ClientIdMismatch,
    WillNotAllowed,
    PublishDenied,
    SubscribeDenied,

    /// <summary>A login other than the controller's used the controller's client id.</summary>
    ClientIdReserved,

    /// <summary>A device or gateway published a payload over <see cref="EmbeddedBroker.MaxDevicePayloadBytes"/>.</summary>
    PayloadTooLarge,
}
