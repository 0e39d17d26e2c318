namespace SettingControl.FirmwareSim.Connection;

/// <summary>Where and how a simulated Zigbee2MQTT bridge or Tasmota light reaches its broker.</summary>
public sealed record MqttEndpoint
{
    public string BrokerHost { get; init; } = "127.0.0.1";

    public int BrokerPort { get; init; } = 1883;

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Connect with TLS; the broker's certificate is always validated (chain and host name).</summary>
    public bool UseTls { get; init; }

    /// <summary>PEM file of the private CA to trust instead of the system's roots (with <see cref="UseTls"/>).</summary>
    public string? CaFile { get; init; }

    /// <summary>A silent client is declared gone (last will) by the broker after 1.5 × this.</summary>
    public int KeepAliveSeconds { get; init; } = 5;

    /// <summary>Pause between connection checks and reconnect attempts.</summary>
    public int ReconnectDelayMs { get; init; } = 500;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(BrokerHost) || BrokerPort is < 1 or > 65535)
        {
            throw new ArgumentException($"Broker '{BrokerHost}:{BrokerPort}' is not a usable address.");
        }

        if (KeepAliveSeconds < 1 || ReconnectDelayMs < 10)
        {
            throw new ArgumentException("KeepAliveSeconds must be at least 1 and ReconnectDelayMs at least 10.");
        }
    }
}
