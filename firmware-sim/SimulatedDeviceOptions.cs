using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim;

/// <summary>How one simulated device identifies itself and reaches the broker (a record, so variants are made with <c>with</c>).</summary>
public sealed record SimulatedDeviceOptions
{
    private readonly string? _model;

    public required string DeviceId { get; init; }

    /// <summary><c>light</c> or <c>mask</c> (see <see cref="DeviceKinds"/>).</summary>
    public required string Kind { get; init; }

    public string BrokerHost { get; init; } = "127.0.0.1";

    public int BrokerPort { get; init; } = 1883;

    public string BaseTopic { get; init; } = DeviceTopics.DefaultBaseTopic;

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Defaults to <c>sim-light-1</c> or <c>sim-mask-1</c> by <see cref="Kind"/>.</summary>
    public string Model
    {
        get => _model ?? (Kind == DeviceKinds.Mask ? "sim-mask-1" : "sim-light-1");
        init => _model = value;
    }

    public string Firmware { get; init; } = "1.0.0";

    /// <summary>How often state is reported while a transition is running.</summary>
    public int ReportIntervalMs { get; init; } = 100;

    public int KeepAliveSeconds { get; init; } = 5;

    /// <summary>Connect with TLS; the broker's certificate is always validated (chain and host name).</summary>
    public bool UseTls { get; init; }

    /// <summary>PEM file of the private CA to trust instead of the system's roots (with <see cref="UseTls"/>).</summary>
    public string? CaFile { get; init; }

    /// <summary>Pause between connection checks and reconnect attempts.</summary>
    public int ReconnectDelayMs { get; init; } = 500;

    internal void Validate()
    {
        if (!DeviceIds.IsValid(DeviceId))
        {
            throw new ArgumentException($"'{DeviceId}' is not a valid device id (a-z, 0-9, '-', '_', at most 64).", nameof(DeviceId));
        }

        if (Kind is not (DeviceKinds.Light or DeviceKinds.Mask))
        {
            throw new ArgumentException($"Unknown device kind '{Kind}' (expected '{DeviceKinds.Light}' or '{DeviceKinds.Mask}').", nameof(Kind));
        }

        if (string.IsNullOrWhiteSpace(BrokerHost) || BrokerPort is < 1 or > 65535)
        {
            throw new ArgumentException($"Broker '{BrokerHost}:{BrokerPort}' is not a usable address.");
        }

        if (ReportIntervalMs < 10 || KeepAliveSeconds < 1 || ReconnectDelayMs < 10)
        {
            throw new ArgumentException("ReportIntervalMs and ReconnectDelayMs must be at least 10, KeepAliveSeconds at least 1.");
        }

        // Throws on an unusable base topic.
        _ = new DeviceTopics(BaseTopic);
    }
}
