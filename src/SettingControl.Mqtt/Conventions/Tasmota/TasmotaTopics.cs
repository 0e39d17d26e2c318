namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>What a Tasmota topic carries.</summary>
public enum TasmotaTopicKind
{
    /// <summary>A topic of a registered device that we do not read (<c>tele/…/SENSOR</c>, <c>stat/…/STATUS</c>, …).</summary>
    Ignored,

    /// <summary>Not one of <c>stat/&lt;topic&gt;/&lt;name&gt;</c> or <c>tele/&lt;topic&gt;/&lt;name&gt;</c>.</summary>
    Foreign,
    Result,
    Power,
    State,
    Lwt,
    Info,
}

/// <summary>
/// Tasmota's topic layout with its default FullTopic <c>%prefix%/%topic%/</c>: commands on
/// <c>cmnd/&lt;topic&gt;/&lt;Command&gt;</c>, replies on <c>stat/&lt;topic&gt;/RESULT</c> and <c>stat/&lt;topic&gt;/POWER</c>,
/// telemetry on <c>tele/&lt;topic&gt;/STATE</c>, retained availability on <c>tele/&lt;topic&gt;/LWT</c>.
/// </summary>
public static class TasmotaTopics
{
    public const string CommandPrefix = "cmnd";
    public const string StatPrefix = "stat";
    public const string TelePrefix = "tele";

    /// <summary>Longest device topic accepted (Tasmota's own limit is 32 characters).</summary>
    public const int MaxTopicLength = 32;

    /// <summary>Tasmota's default group topic: a command there reaches every Tasmota on the broker, so no device may be named so.</summary>
    public const string DefaultGroupTopic = "tasmotas";

    public static string Command(string topic, string command) => $"{CommandPrefix}/{topic}/{command}";

    public static string Backlog(string topic) => Command(topic, "Backlog");

    public static string StateQuery(string topic) => Command(topic, "State");

    public static string Lwt(string topic) => $"{TelePrefix}/{topic}/LWT";

    /// <summary>The filters the controller subscribes to for one device: everything it publishes.</summary>
    public static IEnumerable<string> FiltersFor(string topic) => [$"{StatPrefix}/{topic}/+", $"{TelePrefix}/{topic}/+"];

    /// <summary>
    /// A device topic we put into topics, ACLs and device ids: one MQTT level of 1 to <see cref="MaxTopicLength"/>
    /// letters, digits, '-' or '_' (so no '/', '+', '#', '$' or control characters), and not the group topic.
    /// </summary>
    public static bool IsUsableTopic(string? topic) =>
        !string.IsNullOrEmpty(topic) && topic.Length <= MaxTopicLength &&
        topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') &&
        !string.Equals(topic, DefaultGroupTopic, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads <c>stat|tele/&lt;topic&gt;/&lt;name&gt;</c>; <paramref name="deviceTopic"/> is set unless the topic is foreign.</summary>
    public static TasmotaTopicKind Classify(string topic, out string deviceTopic)
    {
        deviceTopic = string.Empty;
        var parts = topic.Split('/');
        if (parts.Length != 3 || !IsUsableTopic(parts[1]) || parts[2].Length == 0)
        {
            return TasmotaTopicKind.Foreign;
        }

        deviceTopic = parts[1];
        return (parts[0], parts[2]) switch
        {
            (StatPrefix, "RESULT") => TasmotaTopicKind.Result,
            (StatPrefix, "POWER") => TasmotaTopicKind.Power,
            (TelePrefix, "STATE") => TasmotaTopicKind.State,
            (TelePrefix, "LWT") => TasmotaTopicKind.Lwt,
            (TelePrefix, "INFO1") => TasmotaTopicKind.Info,
            (StatPrefix or TelePrefix, _) => TasmotaTopicKind.Ignored,
            _ => TasmotaTopicKind.Foreign,
        };
    }

    /// <summary>The device topic of <paramref name="topic"/> when it is below <c>&lt;prefix&gt;/&lt;device topic&gt;/</c>, else null.</summary>
    public static string? DeviceTopicBelow(string prefix, string topic)
    {
        if (!topic.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = topic[(prefix.Length + 1)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < rest.Length - 1 ? rest[..slash] : null;
    }
}
