using System.Text.Json;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Conventions.Tasmota;
using SettingControl.Mqtt.Conventions.Zigbee2Mqtt;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Bridges;

/// <summary>A bridge staff registered: a Zigbee2MQTT instance that speaks for its bulbs under one base topic.</summary>
public sealed record BridgeRegistration(string BridgeId, string Kind, string BaseTopic, string Name, DateTimeOffset CreatedAt);

/// <summary>Why a registration was refused, by field, in words staff can act on.</summary>
public sealed record BridgeRefusal(string Field, string Message);

/// <summary>
/// The facility's bridges, kept in one JSON file in the data directory beside the broker accounts (the embedded
/// broker and the device link need them before the silo is up, as they need the accounts). Registering a bridge
/// issues its broker login, bound to its base topic; removing it revokes the login.
/// </summary>
public sealed class BridgeDirectory
{
    public const string FileName = "bridges.json";
    public const string Zigbee2MqttKind = "zigbee2mqtt";

    /// <summary>Tasmota's topic prefixes: a bridge there would take the Tasmota devices' messages.</summary>
    private static readonly string[] TasmotaPrefixes = [TasmotaTopics.CommandPrefix, TasmotaTopics.StatPrefix, TasmotaTopics.TelePrefix];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Lock _lock = new();
    private readonly KeptJson<BridgeRegistration[]> _kept;
    private readonly MqttAccountStore _accounts;
    private readonly string _reservedBaseTopic;
    private readonly TimeProvider _time;
    private IReadOnlyList<BridgeRegistration> _bridges;

    /// <param name="reservedBaseTopic">The SettingControl v1 base topic: no bridge may live inside it, nor it inside a bridge.</param>
    public BridgeDirectory(string directory, MqttAccountStore accounts, string reservedBaseTopic, TimeProvider? time = null)
        : this(new SecretFileDocument(Path.Combine(directory, FileName)), accounts, reservedBaseTopic, time)
    {
    }

    /// <param name="document">Where the bridges are kept: the data directory's file, or a cluster's shared row.</param>
    public BridgeDirectory(IKeptDocument document, MqttAccountStore accounts, string reservedBaseTopic, TimeProvider? time = null)
    {
        _kept = new KeptJson<BridgeRegistration[]>(document, FileName, Json, () => []);
        _accounts = accounts;
        _reservedBaseTopic = reservedBaseTopic;
        _time = time ?? TimeProvider.System;
        _bridges = _kept.Load();
    }

    /// <summary>Reads the bridges again when another node changed them, and says so (<see cref="Changed"/>).</summary>
    public bool Refresh()
    {
        lock (_lock)
        {
            if (!RefreshLocked())
            {
                return false;
            }
        }

        Changed?.Invoke();
        return true;
    }

    private bool RefreshLocked()
    {
        if (!_kept.TryRefresh(out var bridges))
        {
            return false;
        }

        _bridges = bridges;
        return true;
    }

    /// <summary>
    /// Who else has topics inside a base topic (a Home Assistant JSON light, whose topics staff choose freely), or
    /// null: a bridge there would take their messages. Set by that convention's directory.
    /// </summary>
    public Func<string, string?>? TopicOwnerElsewhere { get; set; }

    /// <summary>
    /// Brings those other owners up to date before a bridge is checked against them (in a cluster another node may
    /// have just registered a light). Called outside this directory's lock, so neither directory waits on the other.
    /// </summary>
    public Action? RefreshTopicOwnersElsewhere { get; set; }

    /// <summary>Raised after a bridge was added or removed: the convention re-subscribes and the broker re-reads its rules.</summary>
    public event Action? Changed;

    public IReadOnlyList<BridgeRegistration> List()
    {
        lock (_lock)
        {
            return _bridges;
        }
    }

    /// <summary>Registers a bridge and issues its login. Returns the registration and its password (shown once), or why not.</summary>
    public (BridgeRegistration? Bridge, string? Password, IReadOnlyList<BridgeRefusal> Refusals) Register(string? kind, string? baseTopic, string? name)
    {
        RefreshTopicOwnersElsewhere?.Invoke();
        var refusals = new List<BridgeRefusal>();
        if (kind != Zigbee2MqttKind)
        {
            refusals.Add(new("kind", $"Only \"{Zigbee2MqttKind}\" bridges can be registered."));
        }

        var trimmedName = name?.Trim() ?? string.Empty;
        if (trimmedName.Length is 0 or > 80 || trimmedName.Any(char.IsControl))
        {
            refusals.Add(new("name", "Give the bridge a name of 1 to 80 characters, such as the floor it serves."));
        }

        BridgeRegistration registration;
        string password;
        lock (_lock)
        {
            RefreshLocked();
            if (!Zigbee2MqttTopics.IsUsableBaseTopic(baseTopic))
            {
                refusals.Add(new("baseTopic", "The base topic must be plain topic levels (letters, digits, '-' and '_'), such as \"zigbee2mqtt\"."));
            }
            else if (TopicTree.Overlaps(baseTopic!, _reservedBaseTopic))
            {
                refusals.Add(new("baseTopic", $"\"{baseTopic}\" overlaps the controller's own topics (\"{_reservedBaseTopic}\")."));
            }
            else if (TasmotaPrefixes.FirstOrDefault(p => TopicTree.Overlaps(baseTopic!, p)) is { } tasmota)
            {
                refusals.Add(new("baseTopic", $"\"{baseTopic}\" overlaps Tasmota's topics (\"{tasmota}/…\")."));
            }
            else if (TopicOwnerElsewhere?.Invoke(baseTopic!) is { } owner)
            {
                refusals.Add(new("baseTopic", $"\"{baseTopic}\" overlaps the topics of {owner}."));
            }
            else if (_bridges.FirstOrDefault(b => TopicTree.Overlaps(baseTopic!, b.BaseTopic)) is { } other)
            {
                refusals.Add(new("baseTopic", $"\"{baseTopic}\" overlaps the topics of the bridge \"{other.Name}\"."));
            }

            if (refusals.Count > 0)
            {
                return (null, null, refusals);
            }

            var id = NewBridgeId(baseTopic!);
            registration = new BridgeRegistration(id, kind!, baseTopic!, trimmedName, _time.GetUtcNow());
            password = _accounts.IssueBridge(id, baseTopic!);
            try
            {
                Save([.. _bridges, registration]);
            }
            catch (KeptDocumentConflictException)
            {
                // Another node changed the bridges at the same moment: nothing is saved, so neither is the login.
                _accounts.Revoke(id);
                throw;
            }
        }

        Changed?.Invoke();
        return (registration, password, []);
    }

    /// <summary>Removes a bridge and revokes its login (its live connection is closed). False when there is no such bridge.</summary>
    public bool Remove(string bridgeId)
    {
        lock (_lock)
        {
            RefreshLocked();
            if (_bridges.All(b => b.BridgeId != bridgeId))
            {
                return false;
            }

            Save(_bridges.Where(b => b.BridgeId != bridgeId).ToArray());
        }

        _accounts.Revoke(bridgeId);
        Changed?.Invoke();
        return true;
    }

    /// <summary>The bridge's id is also its broker username: derived from its base topic, made unique, always a valid device id.</summary>
    private string NewBridgeId(string baseTopic)
    {
        var slug = new string(baseTopic.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        var stem = ("bridge-" + slug)[..Math.Min(56, 7 + slug.Length)];
        var id = stem;
        for (var n = 2; _bridges.Any(b => b.BridgeId == id) || _accounts.Has(id) || !DeviceIds.IsValid(id); n++)
        {
            id = $"{stem}-{n}";
        }

        return id;
    }

    private void Save(IReadOnlyList<BridgeRegistration> bridges)
    {
        _kept.Save([.. bridges]);
        _bridges = bridges;
    }
}
