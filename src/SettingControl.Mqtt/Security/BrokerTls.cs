using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

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
            .WithCertificateValidationHandler(e => IsTrusted(e.Certificate, e.SslPolicyErrors, trusted))
            .Build();
    }

    /// <summary>True when the certificate is valid for the host and chains to <paramref name="trustedCa"/> (or the system's roots when null).</summary>
    public static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? trustedCa)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        if (trustedCa is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trustedCa);

        // A private CA publishes no revocation lists; expiry and signatures are still checked.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>Loads a PEM certificate and key into a certificate SslStream can serve (exported once so Linux keeps the key).</summary>
    public static X509Certificate2 LoadServerCertificate(string certificateFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
