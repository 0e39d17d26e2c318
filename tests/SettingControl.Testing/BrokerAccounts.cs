using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Conventions.SettingControlV1;
using SettingControl.Mqtt.Security;

namespace SettingControl.Testing;

/// <summary>
/// Accounts for a broker the host does not own (an external MQTTnet broker or Mosquitto): a controller login to
/// give the host as Mqtt:Username/Password, and device accounts for the simulated rooms, in a directory of their own.
/// </summary>
public sealed class BrokerAccounts
{
    private readonly Dictionary<string, string> _passwords;

    public BrokerAccounts(int rooms)
    {
        Directory = Path.Combine(Path.GetTempPath(), "settingcontrol-tests", "broker-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Controller = new ControllerAccount("controller-under-test", MqttAccountStore.NewPassword());
        Store = new MqttAccountStore(Directory, Controller.Username);
        var ids = SimulatedFacility.ForRooms(rooms, "127.0.0.1", 1).Select(d => d.DeviceId).ToArray();
        _passwords = new Dictionary<string, string>(Store.IssueDevices(ids));
    }

    public string Directory { get; }

    public ControllerAccount Controller { get; }

    public MqttAccountStore Store { get; }

    public DeviceTopics Topics { get; } = new();

    public BrokerAccessPolicy Policy => new([new SettingControlV1AccessRules(Topics)]);

    public BrokerAccess Access => new(Controller, Store, Policy);

    public string PasswordOf(string deviceId) => _passwords[deviceId];

    public string IssueDevice(string deviceId) => _passwords[deviceId] = Store.IssueDevice(deviceId);

    public (string? User, string? Password) CredentialsOf(string deviceId) =>
        _passwords.TryGetValue(deviceId, out var password) ? (deviceId, password) : (null, null);

    /// <summary>Host settings for an external broker on <paramref name="port"/> with this controller login.</summary>
    public Dictionary<string, string> ExternalBrokerSettings() => new()
    {
        ["Mqtt:Mode"] = "External",
        ["Mqtt:Host"] = "127.0.0.1",
        ["Mqtt:Username"] = Controller.Username,
        ["Mqtt:Password"] = Controller.Password,
    };

    /// <summary>Settings for a node of a PostgreSQL cluster on <paramref name="database"/> and the Mosquitto on <paramref name="mqttPort"/>.</summary>
    public Dictionary<string, string> ClusterNodeSettings(int mqttPort, string database)
    {
        var settings = ExternalBrokerSettings();
        settings["Mqtt:Port"] = mqttPort.ToString();
        settings["Cluster:Provider"] = "PostgreSQL";
        settings["ConnectionStrings:SettingControl"] = database;
        return settings;
    }

    public IReadOnlyList<SimulatedDeviceOptions> Devices(int rooms, int port) =>
        SimulatedFacility.ForRooms(rooms, "127.0.0.1", port, credentials: CredentialsOf);
}
