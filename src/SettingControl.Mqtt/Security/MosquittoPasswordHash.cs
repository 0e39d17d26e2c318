using System.Security.Cryptography;
using System.Text;

namespace SettingControl.Mqtt.Security;

/// <summary>
/// Password hashes in Mosquitto's own format, <c>$7$iterations$salt$hash</c>: PBKDF2-HMAC-SHA512 with a 12-byte
/// salt and a 64-byte hash, both base64 (what <c>mosquitto_passwd</c> writes). The controller stores device
/// passwords this way so the same hashes serve the embedded broker and Mosquitto's password file.
/// </summary>
public static class MosquittoPasswordHash
{
    private const string Prefix = "$7$";
    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    /// <summary>
    /// Device passwords are 192-bit random secrets, so guessing them is hopeless at any iteration count; the count
    /// mainly costs CPU at every broker connect. 10,000 keeps a fleet reconnecting after a broker restart cheap
    /// while being ~100× Mosquitto's default of 101.
    /// </summary>
    public const int DefaultIterations = 10_000;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="encoded"/>; false for any malformed hash.</summary>
    public static bool Verify(string? password, string? encoded)
    {
        if (password is null || encoded is null || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = encoded[Prefix.Length..].Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], out var iterations) || iterations < 1 || iterations > 10_000_000)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[1]);
            var expected = Convert.FromBase64String(parts[2]);
            if (expected.Length == 0)
            {
                return false;
            }

            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
}
