using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions;

/// <summary>
/// The conventions this controller speaks, and which one each device speaks. Inbound messages go to the convention
/// whose subscription filters match their topic; a device is recorded under the convention it was heard from (its
/// announcement settles it), and its commands are built by that convention. A device a convention claims from its own
/// provisioning (a Zigbee2MQTT bridge's device list) is that convention's; a device never heard from gets the
/// default, the first convention registered (SettingControl v1 in the host).
/// </summary>
public sealed class DeviceConventionRegistry
{
    private readonly IDeviceConvention[] _conventions;

    // Each convention's filters as of its last change: most conventions build their list on every ask, and every
    // device message's topic is matched against them.
    private readonly IReadOnlyList<string>[] _filters;
    private readonly ConcurrentDictionary<string, IDeviceConvention> _byDevice = new(StringComparer.Ordinal);

    public DeviceConventionRegistry(IEnumerable<IDeviceConvention> conventions)
    {
        _conventions = conventions.ToArray();
        if (_conventions.Length == 0)
        {
            throw new ArgumentException("At least one device convention is needed.", nameof(conventions));
        }

        var names = Conventions.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (names.Length > 0)
        {
            throw new ArgumentException($"Device conventions registered twice: {string.Join(", ", names)}.", nameof(conventions));
        }

        _filters = new IReadOnlyList<string>[_conventions.Length];
        for (var c = 0; c < _conventions.Length; c++)
        {
            var index = c;
            _filters[index] = _conventions[index].SubscriptionFilters;
            _conventions[index].SubscriptionFiltersChanged += () =>
            {
                Volatile.Write(ref _filters[index], _conventions[index].SubscriptionFilters);
                SubscriptionFiltersChanged?.Invoke();
            };
        }
    }

    /// <summary>Raised when a convention's topics changed (a bridge added or removed): the live connection re-subscribes.</summary>
    public event Action? SubscriptionFiltersChanged;

    public IReadOnlyList<IDeviceConvention> Conventions => _conventions;

    public IDeviceConvention Default => Conventions[0];

    /// <summary>Every convention's filters, once each: what the controller subscribes to now.</summary>
    public IReadOnlyList<string> SubscriptionFilters =>
        Conventions.SelectMany(c => c.SubscriptionFilters).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The broker ACL of all conventions together.</summary>
    public IEnumerable<IBrokerAccessRules> AccessRules => Conventions.Select(c => c.AccessRules);

    /// <summary>Parses a message with the convention that owns its topic, and records that convention for the devices in it.</summary>
    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        if (OwnerOf(topic) is not { } convention)
        {
            return ConventionParse.Dropped(DropReason.UnknownTopic);
        }

        var parsed = convention.Parse(topic, payload);

        // Indexed loops on this path (every device message): a foreach over an interface allocates its enumerator.
        var messages = parsed.Messages;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message is InboundDeviceMessage.Announced)
            {
                _byDevice[message.DeviceId] = convention;
            }
            else
            {
                _byDevice.TryAdd(message.DeviceId, convention);
            }
        }

        return parsed;
    }

    /// <summary>The convention a device speaks: the one it was heard from, else the one that claims it, else the default.</summary>
    public IDeviceConvention ConventionOf(string deviceId)
    {
        if (_byDevice.TryGetValue(deviceId, out var heard))
        {
            return heard;
        }

        for (var c = 0; c < _conventions.Length; c++)
        {
            if (_conventions[c].Claims(deviceId))
            {
                return _conventions[c];
            }
        }

        return Default;
    }

    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId) =>
        ConventionOf(command.DeviceId).BuildCommand(command, commandId);

    /// <summary>The broadcasts each convention can make of commands a room decided together (see <see cref="IDeviceConvention.GroupCommands"/>).</summary>
    public IReadOnlyList<GroupCommand> GroupCommands(IReadOnlyList<DeviceCommand> commands)
    {
        if (commands.Count < 2)
        {
            return [];
        }

        var groups = new List<GroupCommand>();
        foreach (var byConvention in commands.GroupBy(c => ConventionOf(c.DeviceId)))
        {
            var own = byConvention.ToArray();
            if (own.Length > 1)
            {
                groups.AddRange(byConvention.Key.GroupCommands(own));
            }
        }

        return groups;
    }

    private IDeviceConvention? OwnerOf(string topic)
    {
        for (var c = 0; c < _conventions.Length; c++)
        {
            var convention = _conventions[c];
            var filters = Volatile.Read(ref _filters[c]);
            for (var f = 0; f < filters.Count; f++)
            {
                if (MqttTopicFilterComparer.Compare(topic, filters[f]) == MqttTopicFilterCompareResult.IsMatch)
                {
                    return convention;
                }
            }
        }

        return null;
    }
}
