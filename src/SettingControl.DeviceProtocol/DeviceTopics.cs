namespace SettingControl.DeviceProtocol;

/// <summary>Which of a device's four topics a message arrived on.</summary>
public enum DeviceTopicKind
{
    Announce,
    Availability,
    State,
    Set,
}

/// <summary>
/// The one place that knows the topic layout <c>{base}/devices/{deviceId}/{kind}</c>.
/// Topics are built and parsed here and nowhere else.
/// </summary>
public sealed class DeviceTopics
{
    public const string DefaultBaseTopic = "settingcontrol";
    private const string DevicesSegment = "devices";

    private readonly string _prefix;

    public DeviceTopics(string baseTopic = DefaultBaseTopic)
    {
        if (string.IsNullOrWhiteSpace(baseTopic) || baseTopic.Contains('+') || baseTopic.Contains('#') || baseTopic.EndsWith('/'))
        {
            throw new ArgumentException($"'{baseTopic}' is not a usable MQTT base topic.", nameof(baseTopic));
        }

        BaseTopic = baseTopic;
        _prefix = $"{baseTopic}/{DevicesSegment}/";
    }

    public string BaseTopic { get; }

    public string Announce(string deviceId) => _prefix + deviceId + "/announce";

    public string Availability(string deviceId) => _prefix + deviceId + "/availability";

    public string State(string deviceId) => _prefix + deviceId + "/state";

    public string Set(string deviceId) => _prefix + deviceId + "/set";

    public string For(string deviceId, DeviceTopicKind kind) => kind switch
    {
        DeviceTopicKind.Announce => Announce(deviceId),
        DeviceTopicKind.Availability => Availability(deviceId),
        DeviceTopicKind.State => State(deviceId),
        DeviceTopicKind.Set => Set(deviceId),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The filter the controller subscribes to for one kind of device-originated message.</summary>
    public string FilterForAll(DeviceTopicKind kind) => _prefix + "+/" + Suffix(kind);

    /// <summary>Parses a topic of this layout. Anything else (other prefixes, extra levels, wildcards) is refused.</summary>
    public bool TryParse(string topic, out string deviceId, out DeviceTopicKind kind)
    {
        var parsed = TryParseInPlace(topic, out var id, out kind);
        deviceId = parsed ? id.ToString() : string.Empty;
        return parsed;
    }

    /// <summary>As <see cref="TryParse(string, out string, out DeviceTopicKind)"/>, the id left in the topic: the broker checks every publish.</summary>
    public bool TryParseInPlace(string topic, out ReadOnlySpan<char> deviceId, out DeviceTopicKind kind)
    {
        deviceId = default;
        kind = default;
        if (!topic.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(_prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var id = rest[..slash];
        var suffix = rest[(slash + 1)..];
        switch (suffix)
        {
            case "announce": kind = DeviceTopicKind.Announce; break;
            case "availability": kind = DeviceTopicKind.Availability; break;
            case "state": kind = DeviceTopicKind.State; break;
            case "set": kind = DeviceTopicKind.Set; break;
            default: return false;
        }

        if (!DeviceIds.IsValid(id))
        {
            return false;
        }

        deviceId = id;
        return true;
    }

    private static string Suffix(DeviceTopicKind kind) => kind switch
    {
        DeviceTopicKind.Announce => "announce",
        DeviceTopicKind.Availability => "availability",
        DeviceTopicKind.State => "state",
        DeviceTopicKind.Set => "set",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>Device ids appear in topics, so they use only topic-safe characters.</summary>
public static class DeviceIds
{
    public static bool IsValid(string? id) => id is not null && IsValid(id.AsSpan());

    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
