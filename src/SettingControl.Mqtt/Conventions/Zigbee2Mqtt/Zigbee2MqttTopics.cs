namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>What a topic under a bridge's base topic carries.</summary>
public enum Zigbee2MqttTopicKind
{
    /// <summary>Nothing of ours: the bridge's other topics (logging, responses), or the controller's own set/get.</summary>
    Ignored,
    BridgeState,
    BridgeInfo,
    BridgeDevices,
    BridgeGroups,
    BridgeEvent,
    DeviceState,
    DeviceAvailability,
}

/// <summary>
/// Zigbee2MQTT's topic layout under one bridge's base topic: <c>&lt;base&gt;/bridge/…</c> for the bridge,
/// <c>&lt;base&gt;/&lt;friendly_name&gt;</c> for a device's state, <c>…/availability</c>, <c>…/set</c> and <c>…/get</c>.
/// Friendly names may contain <c>/</c>, so a topic is read from both ends.
/// </summary>
public static class Zigbee2MqttTopics
{
    private const string Availability = "/availability";

    /// <summary>Classifies <paramref name="rest"/>, the topic after <c>&lt;base&gt;/</c>; <paramref name="friendlyName"/> is set for device topics.</summary>
    public static Zigbee2MqttTopicKind Classify(string rest, out string friendlyName)
    {
        friendlyName = string.Empty;
        switch (rest)
        {
            case "bridge/state": return Zigbee2MqttTopicKind.BridgeState;
            case "bridge/info": return Zigbee2MqttTopicKind.BridgeInfo;
            case "bridge/devices": return Zigbee2MqttTopicKind.BridgeDevices;
            case "bridge/groups": return Zigbee2MqttTopicKind.BridgeGroups;
            case "bridge/event": return Zigbee2MqttTopicKind.BridgeEvent;
        }

        if (rest.StartsWith("bridge/", StringComparison.Ordinal) || HasCommandLevel(rest))
        {
            return Zigbee2MqttTopicKind.Ignored;
        }

        if (rest.EndsWith(Availability, StringComparison.Ordinal))
        {
            friendlyName = rest[..^Availability.Length];
            return IsUsableFriendlyName(friendlyName) ? Zigbee2MqttTopicKind.DeviceAvailability : Zigbee2MqttTopicKind.Ignored;
        }

        friendlyName = rest;
        return IsUsableFriendlyName(rest) ? Zigbee2MqttTopicKind.DeviceState : Zigbee2MqttTopicKind.Ignored;
    }

    public static string State(string baseTopic, string friendlyName) => $"{baseTopic}/{friendlyName}";

    public static string Set(string baseTopic, string friendlyName) => $"{baseTopic}/{friendlyName}/set";

    public static string Get(string baseTopic, string friendlyName) => $"{baseTopic}/{friendlyName}/get";

    /// <summary>
    /// Whether a topic below the base is a command (<c>set</c>, <c>set/brightness</c>, <c>get</c>) or a request to the
    /// bridge (<c>bridge/request/…</c>): the controller's to publish, never a bridge's.
    /// </summary>
    public static bool IsControllerTopic(string rest) =>
        rest.StartsWith("bridge/request/", StringComparison.Ordinal) || HasCommandLevel(rest);

    /// <summary>
    /// A friendly name we can put into topics and show to staff: levels separated by single slashes, none of them
    /// empty, a wildcard, or a word Zigbee2MQTT's topics give a meaning (<c>set</c>, <c>get</c>, <c>availability</c>),
    /// no control characters, and not the bridge's own <c>bridge</c>.
    /// </summary>
    public static bool IsUsableFriendlyName(string name)
    {
        if (name.Length is 0 or > 128 || name == "bridge" || name.StartsWith("bridge/", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var level in name.Split('/'))
        {
            if (level.Length == 0 || level is "set" or "get" or "availability" || level.Contains('+') || level.Contains('#') || level.Any(char.IsControl))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A bridge's base topic: plain levels (letters, digits, '_' and '-'), no wildcards, not starting with '$'.</summary>
    public static bool IsUsableBaseTopic(string? baseTopic)
    {
        if (string.IsNullOrEmpty(baseTopic) || baseTopic.Length > 64)
        {
            return false;
        }

        foreach (var level in baseTopic.Split('/'))
        {
            if (level.Length == 0 || !level.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasCommandLevel(string rest)
    {
        foreach (var level in rest.Split('/'))
        {
            if (level is "set" or "get")
            {
                return true;
            }
        }

        return false;
    }
}
