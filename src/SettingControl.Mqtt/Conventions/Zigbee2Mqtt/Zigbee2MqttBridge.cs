using System.Text.Json;
using SettingControl.Contracts;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>What staff see of a bridge: whether it is online, which Zigbee2MQTT it runs, how many devices it lists.</summary>
public sealed record Zigbee2MqttBridgeStatus(string Availability, string? Version, int DeviceCount, int LightCount);

/// <summary>
/// One bridge as the controller hears it: its bulbs by friendly name and by device id, their availability, and what
/// the bridge said about itself. Messages for a friendly name the device list has not named yet (the broker hands out
/// retained messages in no set order) wait here, bounded, until it does.
/// </summary>
internal sealed class Zigbee2MqttBridge(string baseTopic, int maxNativeTransitionMs, IReadOnlyDictionary<string, int> maxNativeTransitionMsByModel)
{
    /// <summary>Unresolved availability messages kept per bridge: a bridge cannot make the controller hold more than this.</summary>
    private const int MaxWaiting = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Zigbee2MqttBulb> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Zigbee2MqttBulb> _byDevice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _online = new(StringComparer.Ordinal);
    private readonly HashSet<string> _readBack = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _waitingAvailability = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, Zigbee2MqttGroup> _groups = new Dictionary<string, Zigbee2MqttGroup>(StringComparer.Ordinal);

    /// <summary>The groups each bulb is in, so a room's batch looks only at its own bulbs' groups, not the facility's.</summary>
    private IReadOnlyDictionary<string, Zigbee2MqttGroup[]> _groupsByMember = new Dictionary<string, Zigbee2MqttGroup[]>(StringComparer.Ordinal);
    private bool? _bridgeOnline;
    private string? _version;
    private int _deviceCount;

    public string BaseTopic => baseTopic;

    public Zigbee2MqttBridgeStatus Status
    {
        get
        {
            lock (_lock)
            {
                var availability = _bridgeOnline switch { true => "online", false => "offline", null => "unknown" };
                return new Zigbee2MqttBridgeStatus(availability, _version, _deviceCount, _byDevice.Count);
            }
        }
    }

    public IReadOnlyList<string> FriendlyNames
    {
        get
        {
            lock (_lock)
            {
                return _byName.Keys.ToArray();
            }
        }
    }

    public Zigbee2MqttBulb? Bulb(string deviceId)
    {
        lock (_lock)
        {
            return _byDevice.GetValueOrDefault(deviceId);
        }
    }

    public bool Knows(string deviceId)
    {
        lock (_lock)
        {
            return _byDevice.ContainsKey(deviceId);
        }
    }

    public ConventionParse OnMessage(Zigbee2MqttTopicKind kind, string friendlyName, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            return kind switch
            {
                Zigbee2MqttTopicKind.BridgeDevices => OnDeviceList(payload),
                Zigbee2MqttTopicKind.BridgeState => OnBridgeState(payload),
                Zigbee2MqttTopicKind.BridgeInfo => OnBridgeInfo(payload),
                Zigbee2MqttTopicKind.BridgeEvent => OnBridgeEvent(payload),
                Zigbee2MqttTopicKind.BridgeGroups => OnGroupList(payload),

                // A group's own state and availability are what Zigbee2MQTT assumes of it; its bulbs' reports are the truth.
                Zigbee2MqttTopicKind.DeviceAvailability or Zigbee2MqttTopicKind.DeviceState when _groups.ContainsKey(friendlyName) && !_byName.ContainsKey(friendlyName) => ConventionParse.Of(),
                Zigbee2MqttTopicKind.DeviceAvailability => OnAvailability(friendlyName, payload),
                Zigbee2MqttTopicKind.DeviceState => OnState(friendlyName, payload),
                _ => ConventionParse.Of(),
            };
        }
    }

    private ConventionParse OnDeviceList(ReadOnlySpan<byte> payload)
    {
        var parsed = Zigbee2MqttDeviceList.Parse(payload);
        if (parsed.Reason != DropReason.None)
        {
            return ConventionParse.Dropped(parsed.Reason);
        }

        _deviceCount = CountDevices(payload);
        var messages = new List<InboundDeviceMessage>();
        var requests = new List<OutboundRequest>();
        var listed = parsed.Bulbs.ToDictionary(b => b.DeviceId, StringComparer.Ordinal);

        // Bulbs removed from Zigbee2MQTT are offline for their rooms; their assignment stays, so one re-paired keeps its room.
        foreach (var gone in _byDevice.Keys.Where(id => !listed.ContainsKey(id)).ToArray())
        {
            _byName.Remove(_byDevice[gone].FriendlyName);
            _byDevice.Remove(gone);
            _readBack.Remove(gone);
            if (_online.Remove(gone, out var wasOnline) && wasOnline)
            {
                messages.Add(new InboundDeviceMessage.AvailabilityChanged(gone, false));
            }
        }

        foreach (var bulb in parsed.Bulbs)
        {
            var known = _byDevice.GetValueOrDefault(bulb.DeviceId);
            if (known is not null && known.FriendlyName != bulb.FriendlyName)
            {
                _byName.Remove(known.FriendlyName);
            }

            _byDevice[bulb.DeviceId] = bulb;
            _byName[bulb.FriendlyName] = bulb;
            if (known != bulb)
            {
                messages.Add(new InboundDeviceMessage.Announced(bulb.DeviceId, Announcement(bulb)));
            }

            if (_waitingAvailability.Remove(bulb.FriendlyName, out var waiting))
            {
                AddAvailability(bulb, waiting, messages, requests);
            }
            else if (known is null && _bridgeOnline == true)
            {
                ReadBack(bulb, requests);
            }
        }

        return ConventionParse.Of(messages, requests);
    }

    /// <summary>
    /// The broadcasts for commands a room decided together: each group whose members are all known bulbs, all among
    /// <paramref name="commands"/> and would each get the very same payload, gets one <c>/set</c> on the group's topic.
    /// Bigger groups are tried first; a bulb is carried by one group at most. Members with their light on another
    /// endpoint (<c>state_l2</c>) are left to unicasts, since a group payload speaks the plain property names.
    /// </summary>
    public IReadOnlyList<GroupCommand> GroupCommands(IReadOnlyList<DeviceCommand> commands)
    {
        lock (_lock)
        {
            if (_groups.Count == 0)
            {
                return [];
            }

            var byDevice = new Dictionary<string, DeviceCommand>(StringComparer.Ordinal);
            foreach (var command in commands)
            {
                if (_byDevice.ContainsKey(command.DeviceId))
                {
                    byDevice[command.DeviceId] = command;
                }
            }

            var candidates = byDevice.Keys
                .SelectMany(id => _groupsByMember.GetValueOrDefault(id) ?? [])
                .Distinct()
                .OrderByDescending(g => g.MemberDeviceIds.Count)
                .ThenBy(g => g.Id);
            var result = new List<GroupCommand>();
            var carried = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in candidates)
            {
                if (group.MemberDeviceIds.Count < 2 ||
                    group.MemberDeviceIds.Any(m => carried.Contains(m) || !byDevice.ContainsKey(m) || !HasPlainProperties(_byDevice[m])))
                {
                    continue;
                }

                byte[]? payload = null;
                var same = true;
                foreach (var member in group.MemberDeviceIds)
                {
                    var own = Zigbee2MqttPayloads.Set(byDevice[member], _byDevice[member]);
                    payload ??= own;
                    if (!own.AsSpan().SequenceEqual(payload))
                    {
                        same = false;
                        break;
                    }
                }

                if (same && payload is not null)
                {
                    carried.UnionWith(group.MemberDeviceIds);
                    result.Add(new GroupCommand(
                        Zigbee2MqttTopics.Set(baseTopic, group.FriendlyName),
                        [.. group.MemberDeviceIds.Order(StringComparer.Ordinal).Select(m => byDevice[m])],
                        new OutboundRequest(Zigbee2MqttTopics.Set(baseTopic, group.FriendlyName), payload)));
                }
            }

            return result;
        }
    }

    private static bool HasPlainProperties(Zigbee2MqttBulb bulb) =>
        bulb.StateProperty == "state" && bulb.BrightnessProperty is null or "brightness" && bulb.ColorTempProperty is null or "color_temp";

    private ConventionParse OnGroupList(ReadOnlySpan<byte> payload)
    {
        var parsed = Zigbee2MqttGroupList.Parse(payload);
        if (parsed.Reason != DropReason.None)
        {
            return ConventionParse.Dropped(parsed.Reason);
        }

        _groups = parsed.Groups.ToDictionary(g => g.FriendlyName, StringComparer.Ordinal);
        _groupsByMember = parsed.Groups
            .SelectMany(g => g.MemberDeviceIds.Select(member => (Member: member, Group: g)))
            .GroupBy(m => m.Member, StringComparer.Ordinal)
            .ToDictionary(m => m.Key, m => m.Select(x => x.Group).ToArray(), StringComparer.Ordinal);
        return ConventionParse.Of();
    }

    private ConventionParse OnBridgeState(ReadOnlySpan<byte> payload)
    {
        if (!Zigbee2MqttPayloads.TryParseAvailability(payload, out var online))
        {
            return ConventionParse.Dropped(DropReason.UnknownValue);
        }

        _bridgeOnline = online;
        var messages = new List<InboundDeviceMessage>();
        var requests = new List<OutboundRequest>();
        if (online)
        {
            // After the bridge (or the controller) restarts nothing is retained of the bulbs' state: read each back.
            _readBack.Clear();
            foreach (var bulb in _byDevice.Values)
            {
                ReadBack(bulb, requests);
            }
        }
        else
        {
            // No bridge, no bulb: every bulb it carries is unreachable, whatever its last availability said.
            foreach (var (deviceId, wasOnline) in _online.ToArray())
            {
                if (wasOnline)
                {
                    messages.Add(new InboundDeviceMessage.AvailabilityChanged(deviceId, false));
                }

                _online[deviceId] = false;
            }

            _readBack.Clear();
        }

        return ConventionParse.Of(messages, requests);
    }

    private ConventionParse OnBridgeInfo(ReadOnlySpan<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String)
            {
                var text = version.GetString()!;
                _version = text.Length <= 32 ? text : text[..32];
            }

            return ConventionParse.Of();
        }
        catch (JsonException)
        {
            return ConventionParse.Dropped(DropReason.InvalidJson);
        }
    }

    /// <summary>
    /// A <c>device_announce</c> is a bulb that just powered up (after a power cut it shows full white): to its room that
    /// is the bulb coming back, which re-sends the room's state, and its state is read back. A <c>device_leave</c> is
    /// the bulb gone.
    /// </summary>
    private ConventionParse OnBridgeEvent(ReadOnlySpan<byte> payload)
    {
        string? type, ieee;
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return ConventionParse.Dropped(DropReason.InvalidJson);
            }

            type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            ieee = data.TryGetProperty("ieee_address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        }
        catch (JsonException)
        {
            return ConventionParse.Dropped(DropReason.InvalidJson);
        }

        if (ieee is null || !Zigbee2MqttDeviceList.IsIeeeAddress(ieee) || !_byDevice.TryGetValue(Zigbee2MqttDeviceList.DeviceIdOf(ieee), out var bulb))
        {
            // Joins and interviews of devices not listed yet: a new bridge/devices follows.
            return ConventionParse.Of();
        }

        var messages = new List<InboundDeviceMessage>();
        var requests = new List<OutboundRequest>();
        switch (type)
        {
            case "device_announce":
                _online[bulb.DeviceId] = true;
                _readBack.Remove(bulb.DeviceId);
                ReadBack(bulb, requests);
                messages.Add(new InboundDeviceMessage.AvailabilityChanged(bulb.DeviceId, true));
                break;
            case "device_leave":
                _online[bulb.DeviceId] = false;
                messages.Add(new InboundDeviceMessage.AvailabilityChanged(bulb.DeviceId, false));
                break;
        }

        return ConventionParse.Of(messages, requests);
    }

    private ConventionParse OnAvailability(string friendlyName, ReadOnlySpan<byte> payload)
    {
        if (!Zigbee2MqttPayloads.TryParseAvailability(payload, out _))
        {
            return ConventionParse.Dropped(DropReason.UnknownValue);
        }

        if (!_byName.TryGetValue(friendlyName, out var bulb))
        {
            if (_waitingAvailability.Count < MaxWaiting || _waitingAvailability.ContainsKey(friendlyName))
            {
                _waitingAvailability[friendlyName] = payload.ToArray();
            }

            return ConventionParse.Of();
        }

        var messages = new List<InboundDeviceMessage>();
        var requests = new List<OutboundRequest>();
        AddAvailability(bulb, payload, messages, requests);
        return ConventionParse.Of(messages, requests);
    }

    private ConventionParse OnState(string friendlyName, ReadOnlySpan<byte> payload)
    {
        if (!_byName.TryGetValue(friendlyName, out var bulb))
        {
            return ConventionParse.Dropped(DropReason.UnknownDevice);
        }

        var reason = Zigbee2MqttPayloads.TryParseState(payload, bulb, out var state);
        if (reason != DropReason.None)
        {
            return ConventionParse.Dropped(reason);
        }

        // A bridge with availability turned off (Zigbee2MQTT's default) never says a bulb is online: a bulb that
        // reports is.
        if (_online.GetValueOrDefault(bulb.DeviceId) != true)
        {
            _online[bulb.DeviceId] = true;
            _readBack.Add(bulb.DeviceId);
            return ConventionParse.Of(
                [new InboundDeviceMessage.AvailabilityChanged(bulb.DeviceId, true), new InboundDeviceMessage.StateReported(bulb.DeviceId, state)],
                []);
        }

        return ConventionParse.Of(new InboundDeviceMessage.StateReported(bulb.DeviceId, state));
    }

    private void AddAvailability(Zigbee2MqttBulb bulb, ReadOnlySpan<byte> payload, List<InboundDeviceMessage> messages, List<OutboundRequest> requests)
    {
        Zigbee2MqttPayloads.TryParseAvailability(payload, out var online);
        _online[bulb.DeviceId] = online;
        if (online)
        {
            // Read back before the room's restore goes out: requests are published before the message is routed.
            ReadBack(bulb, requests);
        }
        else
        {
            _readBack.Remove(bulb.DeviceId);
        }

        messages.Add(new InboundDeviceMessage.AvailabilityChanged(bulb.DeviceId, online));
    }

    /// <summary>Asks a bulb for its state once per time it comes online (its state is not retained).</summary>
    private void ReadBack(Zigbee2MqttBulb bulb, List<OutboundRequest> requests)
    {
        if (_readBack.Add(bulb.DeviceId))
        {
            requests.Add(new OutboundRequest(Zigbee2MqttTopics.Get(baseTopic, bulb.FriendlyName), Zigbee2MqttPayloads.Get(bulb)));
        }
    }

    private DeviceAnnouncement Announcement(Zigbee2MqttBulb bulb) => new(
        bulb.DeviceId,
        DeviceKinds.Light,
        bulb.Model,
        bulb.Firmware,
        bulb.MinColorTempK,
        bulb.MaxColorTempK,
        maxNativeTransitionMsByModel.GetValueOrDefault(bulb.Model, maxNativeTransitionMs),
        Zigbee2MqttConvention.ConventionName,
        bulb.FriendlyName,
        bulb.Vendor);

    private static int CountDevices(ReadOnlySpan<byte> payload)
    {
        using var document = JsonDocument.Parse(payload.ToArray());
        return document.RootElement.EnumerateArray().Count(d => d.ValueKind == JsonValueKind.Object &&
            !(d.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Coordinator"));
    }
}
