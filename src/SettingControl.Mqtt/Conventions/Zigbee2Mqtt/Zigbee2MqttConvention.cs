using System.Buffers;
using Microsoft.Extensions.Options;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Bridges;

namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>Configuration section <c>Zigbee2Mqtt</c>.</summary>
public sealed class Zigbee2MqttOptions
{
    public const string Section = "Zigbee2Mqtt";

    /// <summary>
    /// The longest fade a bulb is asked to run itself; longer fades are stepped by the controller in segments of this
    /// length, each sent with a matching <c>transition</c>. Bulbs are unreliable with long native transitions (some
    /// ignore them, some finish a 15-minute one in under a minute), so this is short by default.
    /// </summary>
    public int MaxNativeTransitionMs { get; set; } = 30_000;

    /// <summary>Per-model overrides of <see cref="MaxNativeTransitionMs"/>, keyed by Zigbee2MQTT's model id.</summary>
    public Dictionary<string, int> MaxNativeTransitionMsByModel { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Zigbee2MQTT (docs/devices.md): the bulbs of every registered bridge, one connection per bridge, under the bridge's
/// base topic. The bridge's retained <c>bridge/devices</c> announces every light at once; commands go to
/// <c>&lt;base&gt;/&lt;friendly_name&gt;/set</c>, read-backs to <c>…/get</c>. A bulb's device id is its IEEE address, so
/// a bulb renamed in Zigbee2MQTT keeps its room.
/// </summary>
public sealed class Zigbee2MqttConvention : IDeviceConvention
{
    public const string ConventionName = "zigbee2mqtt";

    /// <summary>The largest bridge message accepted: the device list of a big Zigbee network, exposes and all.</summary>
    public const int MaxBridgePayloadBytes = 4 * 1024 * 1024;

    private readonly BridgeDirectory _directory;
    private readonly Zigbee2MqttOptions _options;
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, Zigbee2MqttBridge> _bridges = new Dictionary<string, Zigbee2MqttBridge>(StringComparer.Ordinal);

    public Zigbee2MqttConvention(BridgeDirectory directory, IOptions<Zigbee2MqttOptions> options)
    {
        _directory = directory;
        _options = options.Value;
        AccessRules = new Zigbee2MqttAccessRules(() => Bridges.Keys, b => Bridges.TryGetValue(b, out var bridge) ? bridge.FriendlyNames : []);
        Refresh();
        directory.Changed += () =>
        {
            Refresh();
            SubscriptionFiltersChanged?.Invoke();
        };
    }

    public string Name => ConventionName;

    public event Action? SubscriptionFiltersChanged;

    public IReadOnlyList<string> SubscriptionFilters => Bridges.Keys.Select(b => b + "/#").ToArray();

    public IBrokerAccessRules AccessRules { get; }

    private IReadOnlyDictionary<string, Zigbee2MqttBridge> Bridges
    {
        get
        {
            lock (_lock)
            {
                return _bridges;
            }
        }
    }

    /// <summary>What a registered bridge shows now (unknown until it said anything).</summary>
    public Zigbee2MqttBridgeStatus StatusOf(string baseTopic) =>
        Bridges.TryGetValue(baseTopic, out var bridge) ? bridge.Status : new Zigbee2MqttBridgeStatus("unknown", null, 0, 0);

    public bool Claims(string deviceId) => Bridges.Values.Any(b => b.Knows(deviceId));

    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        if (BridgeOf(topic) is not { } bridge)
        {
            return ConventionParse.Dropped(DropReason.UnknownTopic);
        }

        var kind = Zigbee2MqttTopics.Classify(topic[(bridge.BaseTopic.Length + 1)..], out var friendlyName);
        if (kind == Zigbee2MqttTopicKind.Ignored)
        {
            return ConventionParse.Of();
        }

        var limit = kind is Zigbee2MqttTopicKind.BridgeDevices or Zigbee2MqttTopicKind.BridgeGroups ? MaxBridgePayloadBytes : PayloadParser.MaxPayloadBytes;
        if (payload.Length > limit)
        {
            return ConventionParse.Dropped(DropReason.TooLarge);
        }

        if (!System.Text.Unicode.Utf8.IsValid(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray()))
        {
            return ConventionParse.Dropped(DropReason.NotUtf8);
        }

        return bridge.OnMessage(kind, friendlyName, payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
    }

    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId)
    {
        foreach (var bridge in Bridges.Values)
        {
            if (bridge.Bulb(command.DeviceId) is { } bulb)
            {
                // Zigbee2MQTT has no command ids: a QoS 1 redelivery of the same whole state is harmless.
                return new OutboundRequest(Zigbee2MqttTopics.Set(bridge.BaseTopic, bulb.FriendlyName), Zigbee2MqttPayloads.Set(command, bulb));
            }
        }

        return null;
    }

    public IReadOnlyList<GroupCommand> GroupCommands(IReadOnlyList<DeviceCommand> commands) =>
        [.. Bridges.Values.SelectMany(bridge => bridge.GroupCommands(commands))];

    private Zigbee2MqttBridge? BridgeOf(string topic)
    {
        foreach (var (baseTopic, bridge) in Bridges)
        {
            if (topic.Length > baseTopic.Length + 1 && topic[baseTopic.Length] == '/' && topic.StartsWith(baseTopic, StringComparison.Ordinal))
            {
                return bridge;
            }
        }

        return null;
    }

    /// <summary>Keeps what is known of bridges still registered; a new bridge starts empty until its retained topics arrive.</summary>
    private void Refresh()
    {
        lock (_lock)
        {
            var next = new Dictionary<string, Zigbee2MqttBridge>(StringComparer.Ordinal);
            foreach (var registration in _directory.List().Where(b => b.Kind == BridgeDirectory.Zigbee2MqttKind))
            {
                next[registration.BaseTopic] = _bridges.TryGetValue(registration.BaseTopic, out var known)
                    ? known
                    : new Zigbee2MqttBridge(registration.BaseTopic, _options.MaxNativeTransitionMs, _options.MaxNativeTransitionMsByModel);
            }

            _bridges = next;
        }
    }
}
