using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.Tasmota;

/// <summary>One simulated Tasmota light (a CCT dimmer: Dimmer and CT), with its own connection and login.</summary>
public sealed record TasmotaLightOptions
{
    private readonly string? _clientId;

    /// <summary>Tasmota's <c>%topic%</c>, e.g. <c>tasmota_1A2B3C</c>: its topics are <c>cmnd|stat|tele/&lt;topic&gt;/…</c>.</summary>
    public required string Topic { get; init; }

    public MqttEndpoint Broker { get; init; } = new();

    /// <summary>Tasmota's default is <c>DVES_</c> and the last six hex digits of the MAC, here those of the topic.</summary>
    public string ClientId
    {
        get => _clientId ?? $"DVES_{(Topic.Length >= 6 ? Topic[^6..] : Topic).ToUpperInvariant()}";
        init => _clientId = value;
    }

    /// <summary>How often <c>tele/&lt;topic&gt;/STATE</c> is published (Tasmota's default is 300 s; 0 turns it off).</summary>
    public int TelePeriodSeconds { get; init; } = 300;

    /// <summary>What <c>INFO1</c> says the device runs.</summary>
    public string Version { get; init; } = "14.3.0(release-tasmota)";

    internal void Validate()
    {
        Broker.Validate();
        if (string.IsNullOrWhiteSpace(Topic) || Topic.Length > 32 || !Topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"Tasmota topic '{Topic}' is invalid (letters, digits, '_', '-'; at most 32)", nameof(Topic));
        }

        if (TelePeriodSeconds != 0 && TelePeriodSeconds is < 10 or > 3600)
        {
            throw new ArgumentException("TelePeriodSeconds must be 0 (off) or from 10 to 3600, as Tasmota's TelePeriod.", nameof(TelePeriodSeconds));
        }
    }
}
