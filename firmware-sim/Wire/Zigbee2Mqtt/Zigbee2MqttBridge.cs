using System.Buffers;
using Microsoft.Extensions.Logging;
using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

/// <summary>
/// A simulated Zigbee2MQTT 2.x bridge: one MQTT connection for all its bulbs. It publishes the retained bridge topics
/// (<c>bridge/state</c> with an <c>offline</c> last will, <c>bridge/info</c>, <c>bridge/devices</c> with the bulbs' real
/// exposes, <c>bridge/groups</c>), each bulb's retained availability and its (live) state, and takes
/// <c>&lt;base&gt;/&lt;name&gt;/set</c> (also <c>…/set/&lt;attribute&gt;</c>) and <c>…/get</c> for bulbs and groups.
/// </summary>
/// <remarks>
/// The connection's fault switches (drop, delay, go offline, garbage, restart) act on the whole bridge, as a
/// Zigbee2MQTT process would fail; each <see cref="ZigbeeBulb"/> has its own (ignore transitions, power cut).
/// </remarks>
public sealed partial class Zigbee2MqttBridge : SimulatedClient
{
    private readonly Zigbee2MqttBridgeOptions _options;
    private readonly Dictionary<string, ZigbeeBulb> _bulbs;
    private readonly Dictionary<string, ZigbeeGroupOptions> _groups;
    private readonly string _bridgeStateTopic;
    private volatile bool _legacyAvailability;

    public Zigbee2MqttBridge(Zigbee2MqttBridgeOptions options, TimeProvider? time = null, ILogger? logger = null)
        : base(options?.ClientId ?? throw new ArgumentNullException(nameof(options)), time, logger)
    {
        options.Validate();
        _options = options;
        _legacyAvailability = options.LegacyAvailability;
        _bridgeStateTopic = $"{options.BaseTopic}/bridge/state";
        var services = new BridgeServices(PublishAsync, () => _legacyAvailability, Time, TimeSpan.FromMilliseconds(options.ReportIntervalMs), Disposing.Token, Logger);
        Bulbs = options.Bulbs.Select(b => new ZigbeeBulb(b, options.BaseTopic, services)).ToArray();
        _bulbs = Bulbs.ToDictionary(b => b.FriendlyName, StringComparer.Ordinal);
        _groups = options.Groups.ToDictionary(g => g.FriendlyName, StringComparer.Ordinal);
        Subscriptions = [.. _bulbs.Keys.Concat(_groups.Keys).SelectMany(name => CommandTopics($"{options.BaseTopic}/{name}"))];
        Will = Publication.Retained(_bridgeStateTopic, ZigbeePayloads.BridgeState(online: false));
    }

    public string BaseTopic => _options.BaseTopic;

    public IReadOnlyList<ZigbeeBulb> Bulbs { get; }

    /// <summary>
    /// Availability form switch: plain <c>online</c>/<c>offline</c> (Zigbee2MQTT 1.x) instead of <c>{"state":"online"}</c>.
    /// Changing it re-publishes every bulb's availability and <c>bridge/info</c>, as a bridge restarted with the new setting would.
    /// </summary>
    public bool LegacyAvailability
    {
        get => _legacyAvailability;
        set
        {
            _legacyAvailability = value;
            _ = PublishAsync([BridgeInfo(), .. Bulbs.Select(b => b.Availability)]);
        }
    }

    private protected override MqttEndpoint Endpoint => _options.Broker;

    private protected override Publication Will { get; }

    private protected override IReadOnlyList<string> Subscriptions { get; }

    /// <summary>Zigbee2MQTT logs a refused publish and stays connected.</summary>
    private protected override bool CarriesOnWhenRefused => true;

    /// <exception cref="KeyNotFoundException">No bulb has that friendly name.</exception>
    public ZigbeeBulb this[string friendlyName] => _bulbs.TryGetValue(friendlyName, out var bulb)
        ? bulb
        : throw new KeyNotFoundException($"No simulated bulb '{friendlyName}'.");

    /// <summary>Bridge online, info, devices, groups, then each bulb's availability and state: Zigbee2MQTT's start-up order.</summary>
    private protected override IReadOnlyList<Publication> Identity() =>
    [
        Publication.Retained(_bridgeStateTopic, ZigbeePayloads.BridgeState(online: true)),
        BridgeInfo(),
        Publication.Retained($"{BaseTopic}/bridge/devices", ZigbeePayloads.BridgeDevices(Bulbs)),
        Publication.Retained($"{BaseTopic}/bridge/groups", ZigbeePayloads.BridgeGroups(_options.Groups, name => _bulbs[name])),
        .. Bulbs.Select(b => b.Availability),
        .. Bulbs.Where(b => b.IsPowered).Select(b => b.StateReport),
    ];

    private protected override IReadOnlyList<Publication> Goodbye() => [Will];

    private protected override bool IsCommandTopic(string topic) => Route(topic) is not null;

    private protected override Publication Garbage(Random random)
    {
        var bulb = Bulbs.Count > 0 ? Bulbs[random.Next(Bulbs.Count)] : null;
        Publication valid = random.Next(3) switch
        {
            0 when bulb is not null => bulb.StateReport,
            1 when bulb is not null => bulb.Availability,
            _ => Publication.Retained(_bridgeStateTopic, ZigbeePayloads.BridgeState(online: true)),
        };
        return ConventionGarbage.Next(random, valid);
    }

    private protected override async Task HandleCommandAsync(string topic, ReadOnlySequence<byte> payload)
    {
        if (Route(topic) is not { } route)
        {
            return;
        }

        var problems = new List<string>();
        var command = ZigbeeCommand.Parse(payload, route.Attribute, problems);
        var targets = _bulbs.TryGetValue(route.Name, out var single) ? [single] : _groups[route.Name].Members.Select(m => _bulbs[m]).ToArray();
        foreach (var bulb in targets)
        {
            // A group's members note that they heard it as a group ("group-set"), as one Zigbee broadcast.
            bulb.Note(route.IsGet ? "get" : single is null ? "group-set" : "set", route.IsGet ? null : command.Transition);
        }

        if (route.IsGet)
        {
            foreach (var bulb in targets)
            {
                await bulb.ReportCurrentAsync().ConfigureAwait(false);
            }

            return;
        }

        ZigbeeBulbState? groupState = null;
        foreach (var bulb in targets)
        {
            // Every member applies the command ("??=" alone would stop after the first).
            var applied = await bulb.ApplyAsync(command, problems).ConfigureAwait(false);
            groupState ??= applied;
        }

        // Zigbee2MQTT also publishes the state it assumes for the group itself.
        if (single is null && groupState is { } assumed)
        {
            await PublishAsync(Publication.Live($"{BaseTopic}/{route.Name}", ZigbeePayloads.State(assumed))).ConfigureAwait(false);
        }

        // Zigbee2MQTT logs an error per bad key and carries on; the simulator also counts the command once.
        if (problems.Count > 0)
        {
            CountMalformed(topic, string.Join("; ", problems.Distinct()));
        }
    }

    private static IEnumerable<string> CommandTopics(string entityTopic) => [$"{entityTopic}/set", $"{entityTopic}/set/+", $"{entityTopic}/get"];

    private Publication BridgeInfo() =>
        Publication.Retained($"{BaseTopic}/bridge/info", ZigbeePayloads.BridgeInfo(_options, Bulbs, _legacyAvailability));

    /// <summary>
    /// Splits <c>&lt;base&gt;/&lt;name&gt;/set[/&lt;attribute&gt;]</c> or <c>…/get</c>. Names may hold <c>/</c>, so the
    /// name is whatever lies between the base topic and the last <c>set</c> or <c>get</c> and must be a known one.
    /// </summary>
    private CommandRoute? Route(string topic)
    {
        if (!topic.StartsWith(BaseTopic + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = topic[(BaseTopic.Length + 1)..];
        foreach (var (suffix, isGet) in new[] { ("/set", false), ("/get", true) })
        {
            if (rest.EndsWith(suffix, StringComparison.Ordinal) && IsEntity(rest[..^suffix.Length]))
            {
                return new CommandRoute(rest[..^suffix.Length], isGet, null);
            }
        }

        var slash = rest.LastIndexOf('/');
        return slash > 0 && rest[..slash].EndsWith("/set", StringComparison.Ordinal) && IsEntity(rest[..(slash - 4)])
            ? new CommandRoute(rest[..(slash - 4)], false, rest[(slash + 1)..])
            : null;
    }

    private bool IsEntity(string name) => _bulbs.ContainsKey(name) || _groups.ContainsKey(name);

    private sealed record CommandRoute(string Name, bool IsGet, string? Attribute);
}
