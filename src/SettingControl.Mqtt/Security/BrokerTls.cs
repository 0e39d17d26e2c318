using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Security;

/// <summary>
/// Validation of the broker's certificate for MQTT clients (the controller, firmware-sim): chain and host name are
/// always checked; a configured CA file replaces the system's roots (custom root trust), which is how a facility
/// trusts its own private CA without trusting it machine-wide.
/// </summary>
public static class BrokerTls
{
    public static MqttClientTlsOptions ClientOptions(string targetHost, string? caFile)
    {
        var trusted = caFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(caFile);
        return new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(targetHost)
            .WithCertificateValidationHandler(e => BrokerCertificateTrust.IsTrusted(e.Certificate, e.SslPolicyErrors, trusted))
            .Build();
    }

    /// <summary>Loads a PEM certificate and key into a certificate SslStream can serve (exported once so Linux keeps the key).</summary>
    public static X509Certificate2 LoadServerCertificate(string certificateFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
