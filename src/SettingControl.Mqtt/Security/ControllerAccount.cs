using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Security;

/// <summary>
/// The controller's own broker login. From <c>Mqtt:Username</c>/<c>Mqtt:Password</c> when given (an external broker
/// whose accounts someone else manages); otherwise generated on first start and kept in the data directory
/// (<see cref="FileName"/>, 0600), so the embedded broker and a generated Mosquitto password file agree across restarts.
/// </summary>
public sealed class ControllerAccount
{
    public const string FileName = "mqtt-controller.json";
    public const string DefaultUsername = "settingcontrol-controller";

    public ControllerAccount(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        Username = username;
        Password = password;
    }

    public string Username { get; }

    public string Password { get; }

    public bool Matches(string? username, string? password) =>
        string.Equals(username, Username, StringComparison.Ordinal) &&
        password is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(Password));

    /// <summary>A Mosquitto-format hash of the password, for the generated password file.</summary>
    public string MosquittoHash() => MosquittoPasswordHash.Hash(Password);

    public static ControllerAccount Resolve(MqttOptions options, string dataDirectory) =>
        Resolve(options, new SecretFileDocument(Path.Combine(dataDirectory, FileName)));

    /// <summary>
    /// The configured login, or the one kept in <paramref name="kept"/> (a file, or a cluster's shared row), made and
    /// kept on first start. Two nodes starting at once on an empty database agree: the second takes the first's.
    /// </summary>
    public static ControllerAccount Resolve(MqttOptions options, IKeptDocument kept)
    {
        if (!string.IsNullOrEmpty(options.Username))
        {
            if (string.IsNullOrEmpty(options.Password))
            {
                throw new InvalidOperationException("Mqtt:Username is set but Mqtt:Password is not; give both or neither.");
            }

            return new ControllerAccount(options.Username, options.Password);
        }

        for (var attempt = 0; ; attempt++)
        {
            var current = kept.Read();
            if (current.Text is { } text)
            {
                var stored = JsonSerializer.Deserialize<StoredLogin>(text) ?? throw new InvalidDataException($"{FileName} is empty.");
                return new ControllerAccount(stored.Username, stored.Password);
            }

            var account = new ControllerAccount(DefaultUsername, MqttAccountStore.NewPassword());
            if (kept.TryWrite(JsonSerializer.Serialize(new StoredLogin(account.Username, account.Password)), current.Version) is not null)
            {
                return account;
            }

            if (attempt > 3)
            {
                throw new KeptDocumentConflictException(FileName);
            }
        }
    }

    private sealed record StoredLogin(string Username, string Password);
}
