using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SettingControl.DeviceProtocol;

/// <summary>
/// How every MQTT client of SettingControl (the controller and devices alike) checks the broker's certificate:
/// chain and host name always; a configured CA replaces the system's roots (custom root trust), which is how a
/// facility trusts its own private CA without trusting it machine-wide.
/// </summary>
public static class BrokerCertificateTrust
{
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
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
