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

    /// <summary>The controller's MQTT client id. Reserved: no device account may be named after it, and the embedded broker refuses any other login that uses it.</summary>
    public string ClientId { get; set; } = DefaultClientId;

    public const string DefaultClientId = "settingcontrol-controller";

    /// <summary>How long the reconnect loop waits between attempts.</summary>
    public int ReconnectDelayMs { get; set; } = 500;

    public int KeepAliveSeconds { get; set; } = 10;

    /// <summary>Where the controller's generated broker login and the device accounts are kept. Defaults to the data directory.</summary>
    public string? CredentialsDirectory { get; set; }

    /// <summary>
    /// TLS to the broker. The controller always validates the broker's certificate (chain and host name); with
    /// <see cref="CaFile"/> it trusts exactly that CA instead of the system's roots. The embedded broker then serves
    /// TLS only, on <see cref="Port"/>, with <see cref="CertificateFile"/> and <see cref="KeyFile"/>.
    /// </summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate (a private CA). Empty: the system's trusted roots.</summary>
    public string? CaFile { get; set; }

    /// <summary>Host name expected in the broker's certificate. Defaults to the host dialled.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>The embedded broker's certificate (PEM) when <see cref="UseTls"/> is on.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The embedded broker's private key (PEM) when <see cref="UseTls"/> is on.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Host the controller's client dials: the embedded broker's bind address or the external host.</summary>
    public string ConnectHost => Mode == BrokerMode.Embedded
        ? (BindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : BindAddress)
        : Host;
}
