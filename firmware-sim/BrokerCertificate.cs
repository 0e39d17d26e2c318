using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace SettingControl.FirmwareSim;

/// <summary>
/// How a device checks the broker's certificate: chain and host name always; a given CA file replaces the system's
/// roots, the way firmware ships with its facility's CA. (The controller has the same rule in SettingControl.Mqtt;
/// firmware-sim keeps its own copy because it references only the device protocol.)
/// </summary>
internal static class BrokerCertificate
{
    public static MqttClientTlsOptions TlsOptions(string host, string? caFile)
    {
        var trusted = caFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(caFile);
        return new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(host)
            .WithCertificateValidationHandler(e => IsTrusted(e.Certificate, e.SslPolicyErrors, trusted))
            .Build();
    }

    private static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? trustedCa)
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
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
