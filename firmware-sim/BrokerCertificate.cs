using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim;

/// <summary>
/// How a device checks the broker's certificate: chain and host name always; a given CA file replaces the system's
/// roots, the way firmware ships with its facility's CA: the same rule as the controller's, from the device protocol.
/// </summary>
internal static class BrokerCertificate
{
    public static MqttClientTlsOptions TlsOptions(string host, string? caFile)
    {
        var trusted = caFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(caFile);
        return new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(host)
            .WithCertificateValidationHandler(e => BrokerCertificateTrust.IsTrusted(e.Certificate, e.SslPolicyErrors, trusted))
            .Build();
    }
}
