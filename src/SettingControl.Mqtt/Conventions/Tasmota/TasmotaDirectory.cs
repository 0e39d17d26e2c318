using System.Text.Json;
using SettingControl.DeviceProtocol;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>A Tasmota device staff registered: its Tasmota topic, its device id (also its broker username), its name.</summary>
public sealed record TasmotaRegistration(string DeviceId, string Topic, string Name, DateTimeOffset CreatedAt);

/// <summary>Why a registration was refused, by field; <see cref="Conflict"/> when the topic or id is taken.</summary>
public sealed record TasmotaRefusal(string Field, string Message, bool Conflict = false);

/// <summary>
/// The facility's Tasmota devices, in one JSON file in the data directory beside the broker accounts (the embedded
/// broker needs them before the silo is up, as it needs the bridges). Registering a device issues its own broker
/// login, bound to its topic; removing it revokes the login.
/// </summary>
public sealed class TasmotaDirectory
{
    public const string FileName = "tasmota-devices.json";

    /// <summary>Every Tasmota device id starts so: no v1 device or bridge id looks like it by accident.</summary>
    public const string DeviceIdPrefix = "tasmota-";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly MqttAccountStore _accounts;
    private IReadOnlyList<TasmotaRegistration> _devices;

    public TasmotaDirectory(string directory, MqttAccountStore accounts)
    {
        _path = Path.Combine(directory, FileName);
        _accounts = accounts;
        _devices = File.Exists(_path)
            ? JsonSerializer.Deserialize<TasmotaRegistration[]>(File.ReadAllText(_path), Json) ?? []
            : [];
    }

    /// <summary>Raised after a device was added or removed: the convention re-subscribes and the broker re-reads its rules.</summary>
    public event Action? Changed;

    public IReadOnlyList<TasmotaRegistration> List()
    {
        lock (_lock)
        {
            return _devices;
        }
    }

    /// <summary>
    /// A Tasmota device's id: <c>tasmota-</c> and its topic in lower case. The topic is what identifies a Tasmota
    /// device on MQTT (it is set once, in the device's web UI), it is known before the device ever connects, and it is
    /// the same after every reboot, reflash or reconnect; the MAC-derived client id is not seen by the controller.
    /// </summary>
    public static string DeviceIdOf(string topic) => DeviceIdPrefix + topic.ToLowerInvariant();

    /// <summary>Registers a device and issues its login. Returns the registration and its password (shown once), or why not.</summary>
    public (TasmotaRegistration? Device, string? Password, IReadOnlyList<TasmotaRefusal> Refusals) Register(string? topic, string? name, DateTimeOffset now)
    {
        var refusals = new List<TasmotaRefusal>();
        var trimmedName = name?.Trim() ?? string.Empty;
        if (trimmedName.Length is 0 or > 80 || trimmedName.Any(char.IsControl))
        {
            refusals.Add(new("name", "Give the device a name of 1 to 80 characters, such as \"Room 3 ceiling\"."));
        }

        TasmotaRegistration registration;
        string password;
        lock (_lock)
        {
            if (!TasmotaTopics.IsUsableTopic(topic))
            {
                refusals.Add(new("topic", $"The topic must be the device's Tasmota topic: 1 to {TasmotaTopics.MaxTopicLength} letters, digits, '-' or '_' (no '/', '+' or '#'), such as \"dimmer-3\"."));
            }
            else if (_devices.FirstOrDefault(d => string.Equals(d.Topic, topic, StringComparison.OrdinalIgnoreCase)) is { } other)
            {
                refusals.Add(new("topic", $"\"{topic}\" is already the topic of \"{other.Name}\".", Conflict: true));
            }
            else if (!DeviceIds.IsValid(DeviceIdOf(topic!)) || _accounts.Has(DeviceIdOf(topic!)))
            {
                refusals.Add(new("topic", $"The device id \"{DeviceIdOf(topic!)}\" is already taken by another login.", Conflict: true));
            }

            if (refusals.Count > 0)
            {
                return (null, null, refusals);
            }

            registration = new TasmotaRegistration(DeviceIdOf(topic!), topic!, trimmedName, now);
            password = _accounts.IssueTasmota(registration.DeviceId, registration.Topic);
            Save([.. _devices, registration]);
        }

        Changed?.Invoke();
        return (registration, password, []);
    }

    /// <summary>Removes a device and revokes its login (its live connection is closed). False when there is no such device.</summary>
    public bool Remove(string deviceId)
    {
        lock (_lock)
        {
            if (_devices.All(d => d.DeviceId != deviceId))
            {
                return false;
            }

            Save(_devices.Where(d => d.DeviceId != deviceId).ToArray());
        }

        _accounts.Revoke(deviceId);
        Changed?.Invoke();
        return true;
    }

    private void Save(IReadOnlyList<TasmotaRegistration> devices)
    {
        SecretFiles.WriteAllText(_path, JsonSerializer.Serialize(devices, Json));
        _devices = devices;
    }
}
