namespace SettingControl.Host;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Where the grain database lives. Created on first start.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// Which grain storage the silo uses (<c>Storage:Provider</c>): <c>sqlite</c>, one file in
    /// <see cref="DataDirectory"/>. Any other value stops the start with one line naming the known providers.
    /// </summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    public string DatabasePath => Path.Combine(DataDirectory, "settingcontrol.db");
}

/// <summary>Configuration section <c>Orleans</c>: the silo's ports (localhost clustering).</summary>
public sealed class SiloOptions
{
    public const string Section = "Orleans";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}

/// <summary>Configuration section <c>Simulation</c> (also <c>--simulate N</c>).</summary>
public sealed class SimulationOptions
{
    public const string Section = "Simulation";

    /// <summary>How many simulated rooms (room-1 … room-N, two lights and a mask each) to create and run.</summary>
    public int Rooms { get; set; }

    /// <summary>
    /// Rooms that mix conventions (<c>--simulate-mix</c>): a Zigbee2MQTT bulb, a Tasmota dimmer and a v1 eye mask each,
    /// instead of two v1 lights and a v1 mask (see SimulatedMix).
    /// </summary>
    public bool Mix { get; set; }

    /// <summary>Whether the host also runs the simulated devices in-process (default) or only seeds their rooms.</summary>
    public bool RunDevices { get; set; } = true;

    /// <summary>
    /// Give the simulated devices broker accounts (kept in the data directory, see SimulatedDeviceCredentials).
    /// The benchmarks turn it off: their device doubles connect as one gateway account.
    /// </summary>
    public bool ProvisionCredentials { get; set; } = true;
}

/// <summary>A room from configuration section <c>Rooms</c>, seeded on first start.</summary>
public sealed class ConfiguredRoom
{
    public string Id { get; set; } = string.Empty;

    public string? Name { get; set; }

    public List<ConfiguredDevice> Devices { get; set; } = [];
}

public sealed class ConfiguredDevice
{
    public string Id { get; set; } = string.Empty;

    public string Kind { get; set; } = "light";
}
