using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>A Tasmota device staff registered: its Tasmota topic, its device id (also its broker username), its name.</summary>
public sealed record TasmotaRegistration(string DeviceId, string Topic, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// The facility's Tasmota devices, in one JSON file in the data directory beside the broker accounts (the embedded
/// broker needs them before the silo is up, as it needs the bridges). Registering a device issues its own broker
/// login, bound to its topic; removing it revokes the login.
/// </summary>
public sealed class TasmotaDirectory(IKeptDocument document, MqttAccountStore accounts)
    : DeviceRegistrations<TasmotaRegistration>(document, FileName, accounts, d => d.DeviceId)
{
    public const string FileName = "tasmota-devices.json";

    public TasmotaDirectory(string directory, MqttAccountStore accounts)
        : this(new SecretFileDocument(Path.Combine(directory, FileName)), accounts)
    {
    }

    /// <summary>Every Tasmota device id starts so: no v1 device or bridge id looks like it by accident.</summary>
    public const string DeviceIdPrefix = "tasmota-";

    /// <summary>
    /// A Tasmota device's id: <c>tasmota-</c> and its topic in lower case. The topic is what identifies a Tasmota
    /// device on MQTT (it is set once, in the device's web UI), it is known before the device ever connects, and it is
    /// the same after every reboot, reflash or reconnect; the MAC-derived client id is not seen by the controller.
    /// </summary>
    public static string DeviceIdOf(string topic) => DeviceIdPrefix + topic.ToLowerInvariant();

    /// <summary>Registers a device and issues its login. Returns the registration and its password (shown once), or why not.</summary>
    public (TasmotaRegistration? Device, string? Password, IReadOnlyList<RegistrationRefusal> Refusals) Register(string? topic, string? name, DateTimeOffset now)
    {
        var refusals = new List<RegistrationRefusal>();
        var trimmedName = CheckName(name, "Give the device a name of 1 to 80 characters, such as \"Room 3 ceiling\".", refusals);

        TasmotaRegistration registration;
        string password;
        lock (Lock)
        {
            RefreshLocked();
            if (!TasmotaTopics.IsUsableTopic(topic))
            {
                refusals.Add(new("topic", $"The topic must be the device's Tasmota topic: 1 to {TasmotaTopics.MaxTopicLength} letters, digits, '-' or '_' (no '/', '+' or '#'), such as \"dimmer-3\"."));
            }
            else if (Devices.FirstOrDefault(d => string.Equals(d.Topic, topic, StringComparison.OrdinalIgnoreCase)) is { } other)
            {
                refusals.Add(new("topic", $"\"{topic}\" is already the topic of \"{other.Name}\".", Conflict: true));
            }
            else if (!DeviceIds.IsValid(DeviceIdOf(topic!)) || Accounts.Has(DeviceIdOf(topic!)))
            {
                refusals.Add(new("topic", $"The device id \"{DeviceIdOf(topic!)}\" is already taken by another login.", Conflict: true));
            }

            if (refusals.Count > 0)
            {
                return (null, null, refusals);
            }

            registration = new TasmotaRegistration(DeviceIdOf(topic!), topic!, trimmedName, now);
            password = Accounts.IssueTasmota(registration.DeviceId, registration.Topic);
            SaveWithNewLogin([.. Devices, registration], registration.DeviceId);
        }

        OnChanged();
        return (registration, password, []);
    }
}
