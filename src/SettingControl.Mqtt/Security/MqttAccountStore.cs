using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Security;

/// <summary>What an MQTT account may do (see <see cref="BrokerAccessPolicy"/>).</summary>
public enum MqttAccountRole
{
    /// <summary>One device: username = device id; it publishes only its own topics and reads only its own <c>set</c>.</summary>
    Device,

    /// <summary>
    /// A bridge that speaks for many devices over one connection (like a Zigbee2MQTT gateway): it publishes any
    /// device's announce/availability/state and reads any device's <c>set</c>, but never publishes <c>set</c>.
    /// </summary>
    Gateway,

    /// <summary>
    /// A Zigbee2MQTT bridge: its rights are bound to its base topic (the account's scope), under which it speaks for
    /// its bulbs; it never publishes their <c>set</c>/<c>get</c> (see the Zigbee2MQTT convention's access rules).
    /// </summary>
    Bridge,

    /// <summary>
    /// One Tasmota device: its rights are bound to its Tasmota topic (the account's scope): it publishes under
    /// <c>stat/&lt;topic&gt;/</c> and <c>tele/&lt;topic&gt;/</c> and reads <c>cmnd/&lt;topic&gt;/</c> (see the Tasmota convention's access rules).
    /// </summary>
    Tasmota,

    /// <summary>
    /// One Home Assistant JSON light: its rights are its registration's topics (it reads its command topic and
    /// publishes its state and availability topics; see the Home Assistant JSON convention's access rules).
    /// </summary>
    JsonLight,
}

/// <summary>An issued account as listed to staff: never the password, never the hash.</summary>
public sealed record MqttAccountInfo(string Username, MqttAccountRole Role, DateTimeOffset IssuedAt, string? Scope = null);

/// <summary>
/// The broker accounts of devices (and gateways), kept as Mosquitto-format PBKDF2 hashes in one JSON file in the
/// data directory (0600). A file rather than grain storage because the embedded broker checks credentials before
/// the silo is up, and because Mosquitto's password file is generated from the same hashes. Passwords are
/// generated here and returned once; only their hashes are kept. In a cluster the same JSON is a row of the shared
/// database (an <see cref="IKeptDocument"/>), read again when another node changed it, so a device login made through
/// one node is in the Mosquitto files every node generates.
/// </summary>
public sealed class MqttAccountStore
{
    public const string FileName = "mqtt-accounts.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Lock _lock = new();
    private readonly IKeptDocument _document;
    private readonly KeptJson<AccountFile> _kept;
    private readonly TimeProvider _time;
    private readonly int _iterations;
    private readonly IReadOnlySet<string> _reserved;
    private Dictionary<string, StoredAccount> _accounts;

    /// <param name="directory">The data directory; the file is created on the first issue.</param>
    /// <param name="reservedUsername">The controller's username: no device or gateway may take it.</param>
    public MqttAccountStore(string directory, string reservedUsername, TimeProvider? time = null, int iterations = MosquittoPasswordHash.DefaultIterations)
        : this(directory, [reservedUsername], time, iterations)
    {
    }

    /// <param name="directory">The data directory; the file is created on the first issue.</param>
    /// <param name="reservedNames">The controller's username and its MQTT client id: a device's client id is its
    /// username, so a device account named after either would let it knock the controller off the broker.</param>
    public MqttAccountStore(string directory, IReadOnlyCollection<string> reservedNames, TimeProvider? time = null, int iterations = MosquittoPasswordHash.DefaultIterations)
        : this(new SecretFileDocument(Path.Combine(directory, FileName)), reservedNames, time, iterations)
    {
    }

    /// <param name="document">Where the accounts are kept: the data directory's file, or a cluster's shared row.</param>
    /// <param name="reservedNames">As above.</param>
    public MqttAccountStore(IKeptDocument document, IReadOnlyCollection<string> reservedNames, TimeProvider? time = null, int iterations = MosquittoPasswordHash.DefaultIterations)
    {
        _document = document;
        _kept = new KeptJson<AccountFile>(document, FileName, Json, () => new AccountFile([]));
        _reserved = new HashSet<string>(reservedNames, StringComparer.Ordinal);
        _time = time ?? TimeProvider.System;
        _iterations = iterations;
        _accounts = ToAccounts(_kept.Load());
    }

    /// <summary>Raised after an account is issued again or revoked, so live connections with the old secret can be closed.</summary>
    public event Action<string>? Changed;

    /// <summary>The file the accounts are kept in on a single node (null in a cluster, where they are in the database).</summary>
    public string? FilePath => (_document as SecretFileDocument)?.Path;

    /// <summary>Reads the accounts again when another node changed them; true when they changed.</summary>
    public bool Refresh()
    {
        lock (_lock)
        {
            return RefreshLocked();
        }
    }

    private bool RefreshLocked()
    {
        if (!_kept.TryRefresh(out var file))
        {
            return false;
        }

        _accounts = ToAccounts(file);
        return true;
    }

    /// <summary>
    /// Creates the device's account, or replaces its password (rotation). Returns the new password: the only time it is
    /// seen. Rotating keeps what the account is: a new password for a bridge, a Tasmota or a JSON light (the staff
    /// console's "New password" on any login) must not turn it into a v1 device without its topics.
    /// </summary>
    /// <exception cref="ArgumentException">The id is not a valid device id, or is the controller's username or client id.</exception>
    public string IssueDevice(string deviceId)
    {
        StoredAccount? existing;
        lock (_lock)
        {
            RefreshLocked();
            _accounts.TryGetValue(deviceId, out existing);
        }

        return existing is null ? Issue(deviceId, MqttAccountRole.Device) : Issue(deviceId, existing.Role, existing.Scope);
    }

    public string IssueGateway(string name) => Issue(name, MqttAccountRole.Gateway);

    /// <summary>Creates (or rotates) a bridge's account, bound to <paramref name="baseTopic"/>. Returns the new password.</summary>
    public string IssueBridge(string username, string baseTopic) => Issue(username, MqttAccountRole.Bridge, baseTopic);

    /// <summary>Creates (or rotates) a Tasmota device's account, bound to its Tasmota <paramref name="topic"/>. Returns the new password.</summary>
    public string IssueTasmota(string username, string topic) => Issue(username, MqttAccountRole.Tasmota, topic);

    /// <summary>Creates (or rotates) a Home Assistant JSON light's account; its topics are its registration's. Returns the new password.</summary>
    public string IssueJsonLight(string username) => Issue(username, MqttAccountRole.JsonLight);

    /// <summary>The topic an account's rights are bound to (a bridge's base topic), or null.</summary>
    public string? ScopeOf(string username)
    {
        lock (_lock)
        {
            RefreshLocked();
            return _accounts.TryGetValue(username, out var account) ? account.Scope : null;
        }
    }

    /// <summary>Issues many device accounts with one file write (seeding a simulated facility). Returns id → password.</summary>
    public IReadOnlyDictionary<string, string> IssueDevices(IReadOnlyCollection<string> deviceIds)
    {
        foreach (var id in deviceIds)
        {
            if (!DeviceIds.IsValid(id) || _reserved.Contains(id))
            {
                throw new ArgumentException($"'{id}' cannot have a device account.", nameof(deviceIds));
            }
        }

        // Hashing is the slow part (PBKDF2), so it runs in parallel and outside the lock.
        var issued = deviceIds.AsParallel().Select(id =>
        {
            var password = NewPassword();
            return (Id: id, Password: password, Stored: new StoredAccount(MqttAccountRole.Device, MosquittoPasswordHash.Hash(password, _iterations), _time.GetUtcNow()));
        }).ToArray();
        var replaced = new List<string>();
        lock (_lock)
        {
            EditLocked(next =>
            {
                replaced.Clear();
                foreach (var (id, _, stored) in issued)
                {
                    if (next.ContainsKey(id))
                    {
                        replaced.Add(id);
                    }

                    next[id] = stored;
                }

                return true;
            });
        }

        foreach (var id in replaced)
        {
            Changed?.Invoke(id);
        }

        return issued.ToDictionary(i => i.Id, i => i.Password, StringComparer.Ordinal);
    }

    public bool Revoke(string username)
    {
        bool removed;
        lock (_lock)
        {
            removed = false;
            EditLocked(next => removed = next.Remove(username));
        }

        if (removed)
        {
            Changed?.Invoke(username);
        }

        return removed;
    }

    /// <summary>The role of <paramref name="username"/> when <paramref name="password"/> is right; null otherwise.</summary>
    public MqttAccountRole? Authenticate(string? username, string? password)
    {
        if (username is null || password is null)
        {
            return null;
        }

        StoredAccount? account;
        lock (_lock)
        {
            RefreshLocked();
            _accounts.TryGetValue(username, out account);
        }

        return account is not null && MosquittoPasswordHash.Verify(password, account.Hash) ? account.Role : null;
    }

    public bool Has(string username)
    {
        lock (_lock)
        {
            RefreshLocked();
            return _accounts.ContainsKey(username);
        }
    }

    public IReadOnlyList<MqttAccountInfo> List()
    {
        lock (_lock)
        {
            RefreshLocked();
            return _accounts.OrderBy(a => a.Key, StringComparer.Ordinal)
                .Select(a => new MqttAccountInfo(a.Key, a.Value.Role, a.Value.IssuedAt, a.Value.Scope))
                .ToArray();
        }
    }

    /// <summary>Username, role and Mosquitto hash of every account, for generating Mosquitto's files.</summary>
    public IReadOnlyList<(string Username, MqttAccountRole Role, string Hash)> Hashes()
    {
        lock (_lock)
        {
            RefreshLocked();
            return _accounts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, a.Value.Role, a.Value.Hash)).ToArray();
        }
    }

    /// <summary>A fresh 192-bit secret, URL-safe so it survives command lines and config files untouched.</summary>
    public static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private string Issue(string username, MqttAccountRole role, string? scope = null)
    {
        if (!DeviceIds.IsValid(username))
        {
            throw new ArgumentException($"'{username}' is not a valid device id (a-z, 0-9, '-', '_', at most 64).", nameof(username));
        }

        if (_reserved.Contains(username))
        {
            throw new ArgumentException($"'{username}' is reserved for the controller's own broker connection; choose another device id.", nameof(username));
        }

        var password = NewPassword();
        var stored = new StoredAccount(role, MosquittoPasswordHash.Hash(password, _iterations), _time.GetUtcNow(), scope);
        bool replaced;
        lock (_lock)
        {
            replaced = false;
            EditLocked(next =>
            {
                replaced = next.ContainsKey(username);
                next[username] = stored;
                return true;
            });
        }

        if (replaced)
        {
            Changed?.Invoke(username);
        }

        return password;
    }

    /// <summary>
    /// Applies <paramref name="edit"/> to the newest accounts and saves them when it says so (under the lock). When
    /// another node wrote in between, reads again and applies it again: an edit touches only its own usernames, so
    /// applying it to the other node's accounts keeps both changes.
    /// </summary>
    private void EditLocked(Func<Dictionary<string, StoredAccount>, bool> edit)
    {
        for (var attempt = 1; ; attempt++)
        {
            RefreshLocked();
            var next = new Dictionary<string, StoredAccount>(_accounts, StringComparer.Ordinal);
            if (!edit(next))
            {
                return;
            }

            try
            {
                _kept.Save(new AccountFile(next));
                _accounts = next;
                return;
            }
            catch (KeptDocumentConflictException) when (attempt < 5)
            {
            }
        }
    }

    private static Dictionary<string, StoredAccount> ToAccounts(AccountFile file) =>
        new(file.Accounts, StringComparer.Ordinal);

    /// <param name="Scope">The topic a bridge's rights are bound to; absent for devices and gateways (and in files written before bridges).</param>
    private sealed record StoredAccount(MqttAccountRole Role, string Hash, DateTimeOffset IssuedAt, string? Scope = null);

    private sealed record AccountFile(Dictionary<string, StoredAccount> Accounts);
}
