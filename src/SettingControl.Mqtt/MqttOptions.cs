using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt;

public enum BrokerMode
{
    /// <summary>An MQTTnet broker inside the host process: the single-machine default.</summary>
    Embedded,

    /// <summary>An external broker such as Mosquitto: the production option, and what a cluster needs.</summary>
    External,
}

/// <summary>Configuration section <c>Mqtt</c>.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    public BrokerMode Mode { get; set; } = BrokerMode.Embedded;

    /// <summary>Broker host the controller connects to (External mode). Embedded mode connects to <see cref="BindAddress"/>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>Address the embedded broker listens on. Loopback by default; set 0.0.0.0 to let real devices on the LAN in.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string BaseTopic { get; set; } = DeviceTopics.DefaultBaseTopic;

    public string ClientId { get; set; } = "settingcontrol-controller";

    /// <summary>How long the reconnect loop waits between attempts.</summary>
    public int ReconnectDelayMs { get; set; } = 500;

    public int KeepAliveSeconds { get; set; } = 10;

    /// <summary>Host the controller's client dials: the embedded broker's bind address or the external host.</summary>
    public string ConnectHost => Mode == BrokerMode.Embedded
        ? (BindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : BindAddress)
        : Host;
}
