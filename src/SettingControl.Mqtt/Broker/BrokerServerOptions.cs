using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Server;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Broker;

/// <summary>Where the embedded broker listens, and whether over TLS.</summary>
internal static class BrokerServerOptions
{
    /// <summary>Messages the broker holds for one slow client before it drops the oldest.</summary>
    public const int MaxPendingMessagesPerClient = 20_000;

    /// <summary>One IPv4 endpoint: plain, or TLS only (no plain endpoint) when a certificate is given.</summary>
    public static MqttServerOptions For(IPAddress address, int port, X509Certificate2? certificate)
    {
        var builder = new MqttServerOptionsBuilder();
        if (certificate is null)
        {
            builder = builder
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(address)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
                .WithDefaultEndpointPort(port);
        }
        else
        {
            builder = builder
                .WithoutDefaultEndpoint()
                .WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(address)
                .WithEncryptedEndpointBoundIPV6Address(IPAddress.None)
                .WithEncryptedEndpointPort(port)
                .WithEncryptionCertificate(certificate);
        }

        var options = builder.Build();

        // A device that goes silent without a goodbye (cable pulled) is declared offline 1.5 keep-alives after its
        // last packet; checking every 100 ms instead of MQTTnet's default keeps that close to the MQTT rule.
        options.KeepAliveOptions.MonitorInterval = TimeSpan.FromMilliseconds(100);

        // A gateway (a Zigbee2MQTT bridge, a device double) is one client for every device behind it: a facility-wide
        // Lights up queues a set per device for it at once. MQTTnet's default (250, dropping the oldest) would lose
        // Lights up for all but the last 250 bulbs of a large bridge.
        options.MaxPendingMessagesPerClient = MaxPendingMessagesPerClient;
        return options;
    }

    /// <summary>The server certificate <c>Mqtt:UseTls</c> asks for, from the configured PEM files.</summary>
    public static X509Certificate2 LoadCertificate(MqttOptions options) =>
        options.CertificateFile is { Length: > 0 } cert && options.KeyFile is { Length: > 0 } key
            ? BrokerTls.LoadServerCertificate(cert, key)
            : throw new InvalidOperationException("Mqtt:UseTls with the embedded broker needs Mqtt:CertificateFile and Mqtt:KeyFile (PEM).");
}
