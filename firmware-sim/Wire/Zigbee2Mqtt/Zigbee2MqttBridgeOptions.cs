using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

/// <summary>One bulb paired to the simulated bridge.</summary>
public sealed record ZigbeeBulbOptions
{
    /// <summary>Zigbee2MQTT's name for it; may contain <c>/</c> (e.g. <c>room-1/ceiling</c>), which nests its topics.</summary>
    public required string FriendlyName { get; init; }

    /// <summary>A model from <see cref="BulbDefinitions"/>; its exposes and colour-temperature range come from there.</summary>
    public string Model { get; init; } = BulbDefinitions.DefaultModel;

    /// <summary>Zigbee IEEE address (<c>0x</c> + 16 hex digits); derived from the friendly name when not given.</summary>
    public string? IeeeAddress { get; init; }

    /// <summary>Fault switch at start: the bulb ignores <c>transition</c> and jumps at once (see <see cref="ZigbeeBulb.IgnoresTransition"/>).</summary>
    public bool IgnoresTransition { get; init; }

    /// <summary>The address a bulb gets when none is given: Signify's prefix and a stable hash of the name.</summary>
    public string EffectiveIeeeAddress => IeeeAddress ?? $"0x00178801{StableHash(FriendlyName):x8}";

    private static uint StableHash(string text)
    {
        // FNV-1a: the same name gives the same address on every run and machine (string.GetHashCode does not).
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

/// <summary>A Zigbee2MQTT group: one <c>…/set</c> for all its members.</summary>
public sealed record ZigbeeGroupOptions(int Id, string FriendlyName, IReadOnlyList<string> Members);

/// <summary>A simulated Zigbee2MQTT 2.x bridge and the bulbs paired to it, all on one MQTT connection.</summary>
public sealed record Zigbee2MqttBridgeOptions
{
    public const string DefaultBaseTopic = "zigbee2mqtt";

    public MqttEndpoint Broker { get; init; } = new();

    /// <summary>The bridge's MQTT client id.</summary>
    public string ClientId { get; init; } = "zigbee2mqtt-sim";

    public string BaseTopic { get; init; } = DefaultBaseTopic;

    public required IReadOnlyList<ZigbeeBulbOptions> Bulbs { get; init; }

    public IReadOnlyList<ZigbeeGroupOptions> Groups { get; init; } = [];

    /// <summary>Per-bulb availability as plain <c>online</c>/<c>offline</c> (Zigbee2MQTT 1.x) instead of <c>{"state":"online"}</c>.</summary>
    public bool LegacyAvailability { get; init; }

    /// <summary>How often a bulb reports while it fades (the final report comes at the end of the fade regardless).</summary>
    public int ReportIntervalMs { get; init; } = 1000;

    /// <summary>What <c>bridge/info</c> says the bridge runs.</summary>
    public string Version { get; init; } = "2.6.3";

    /// <summary>
    /// <paramref name="count"/> bulbs named <c>room-{i}/ceiling</c>, taking the known models in turn, so a small
    /// bridge already mixes vendors and colour-temperature ranges.
    /// </summary>
    public static IReadOnlyList<ZigbeeBulbOptions> DefaultBulbs(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var models = BulbDefinitions.All;
        return Enumerable.Range(1, count)
            .Select(i => new ZigbeeBulbOptions { FriendlyName = $"room-{i}/ceiling", Model = models[(i - 1) % models.Count].Model })
            .ToArray();
    }

    internal void Validate()
    {
        Broker.Validate();
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw new ArgumentException("The bridge needs a client id.", nameof(ClientId));
        }

        CheckTopicPart(BaseTopic, "base topic");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var bulb in Bulbs)
        {
            CheckName(bulb.FriendlyName, names);
            _ = BulbDefinitions.ByModel(bulb.Model);
            var address = bulb.EffectiveIeeeAddress;
            if (address.Length != 18 || !address.StartsWith("0x", StringComparison.Ordinal) || !address[2..].All(Uri.IsHexDigit) || !addresses.Add(address))
            {
                throw new ArgumentException($"bulb '{bulb.FriendlyName}' has an invalid or repeated IEEE address '{address}'");
            }
        }

        var bulbNames = Bulbs.Select(b => b.FriendlyName).ToHashSet(StringComparer.Ordinal);
        foreach (var group in Groups)
        {
            CheckName(group.FriendlyName, names);
            if (group.Id is < 1 or > 65535 || Groups.Count(g => g.Id == group.Id) > 1)
            {
                throw new ArgumentException($"group '{group.FriendlyName}' needs a unique id from 1 to 65535");
            }

            if (group.Members.FirstOrDefault(m => !bulbNames.Contains(m)) is { } stranger)
            {
                throw new ArgumentException($"group '{group.FriendlyName}' names an unknown bulb '{stranger}'");
            }
        }

        if (ReportIntervalMs is < 10 or > 60_000)
        {
            throw new ArgumentException("ReportIntervalMs must be from 10 to 60000.", nameof(ReportIntervalMs));
        }
    }

    private static void CheckName(string name, HashSet<string> taken)
    {
        CheckTopicPart(name, "friendly name");

        // Zigbee2MQTT refuses these too: they would read as its own topics (…/set, …/bridge/…) or as an endpoint suffix.
        var parts = name.Split('/');
        if (parts[0] == "bridge" || parts.Any(p => p is "set" or "get" or "availability" || p.Length == 0))
        {
            throw new ArgumentException($"friendly name '{name}' clashes with Zigbee2MQTT's own topics");
        }

        if (!taken.Add(name))
        {
            throw new ArgumentException($"friendly name '{name}' is used twice");
        }
    }

    private static void CheckTopicPart(string value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['+', '#', '\0']) >= 0 || value.StartsWith('/') || value.EndsWith('/'))
        {
            throw new ArgumentException($"{what} '{value}' is not usable in an MQTT topic");
        }
    }
}
