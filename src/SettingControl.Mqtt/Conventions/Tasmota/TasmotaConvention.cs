using System.Buffers;
using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>
/// Tasmota (docs/devices.md): Wi-Fi dimmers and CCT lights, each on its own connection with its own login, under its
/// Tasmota topic. Only registered devices are heard and commanded: the controller subscribes to each one's
/// <c>stat/&lt;topic&gt;/+</c> and <c>tele/&lt;topic&gt;/+</c> and sends one <c>cmnd/&lt;topic&gt;/Backlog</c> per
/// command. A native fade is at most 20 s (Speed 40), announced as the device's longest transition, so the
/// controller steps longer fades.
/// </summary>
public sealed class TasmotaConvention : IDeviceConvention
{
    public const string ConventionName = "tasmota";

    private readonly TasmotaDirectory _directory;
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, TasmotaDevice> _byTopic = new Dictionary<string, TasmotaDevice>(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, TasmotaDevice> _byDevice = new Dictionary<string, TasmotaDevice>(StringComparer.Ordinal);
    private IReadOnlySet<string> _topics = new HashSet<string>(StringComparer.Ordinal);

    public TasmotaConvention(TasmotaDirectory directory)
    {
        _directory = directory;
        AccessRules = new TasmotaAccessRules(() => Topics);
        Refresh();
        directory.Changed += () =>
        {
            Refresh();
            SubscriptionFiltersChanged?.Invoke();
        };
    }

    public string Name => ConventionName;

    public event Action? SubscriptionFiltersChanged;

    public IReadOnlyList<string> SubscriptionFilters => Topics.Order(StringComparer.Ordinal).SelectMany(TasmotaTopics.FiltersFor).ToArray();

    public IBrokerAccessRules AccessRules { get; }

    private IReadOnlySet<string> Topics
    {
        get
        {
            lock (_lock)
            {
                return _topics;
            }
        }
    }

    /// <summary>What a registered device shows now (unknown until it said anything).</summary>
    public TasmotaDeviceStatus StatusOf(string deviceId)
    {
        lock (_lock)
        {
            return _byDevice.TryGetValue(deviceId, out var device) ? device.Status : new TasmotaDeviceStatus("unknown", null, null);
        }
    }

    public bool Claims(string deviceId)
    {
        lock (_lock)
        {
            return _byDevice.ContainsKey(deviceId);
        }
    }

    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        var kind = TasmotaTopics.Classify(topic, out var deviceTopic);
        TasmotaDevice? device = null;
        lock (_lock)
        {
            if (kind != TasmotaTopicKind.Foreign)
            {
                _byTopic.TryGetValue(deviceTopic, out device);
            }
        }

        if (device is null)
        {
            return ConventionParse.Dropped(DropReason.UnknownTopic);
        }

        if (kind == TasmotaTopicKind.Ignored)
        {
            return ConventionParse.Of();
        }

        var reason = ConventionPayload.TryRead(payload, out var bytes);
        return reason == DropReason.None ? device.OnMessage(kind, bytes) : ConventionParse.Dropped(reason);
    }

    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId)
    {
        TasmotaDevice? device;
        lock (_lock)
        {
            _byDevice.TryGetValue(command.DeviceId, out device);
        }

        // Tasmota has no command ids: a QoS 1 redelivery of the same whole state is harmless.
        return device is null
            ? null
            : new OutboundRequest(TasmotaTopics.Backlog(device.Registration.Topic), Encoding.UTF8.GetBytes(TasmotaPayloads.Backlog(command)));
    }

    /// <summary>Keeps what is known of devices still registered; a new device starts unknown until its retained LWT arrives.</summary>
    private void Refresh()
    {
        lock (_lock)
        {
            var byTopic = new Dictionary<string, TasmotaDevice>(StringComparer.Ordinal);
            foreach (var registration in _directory.List())
            {
                byTopic[registration.Topic] = _byTopic.TryGetValue(registration.Topic, out var known) && known.Registration == registration
                    ? known
                    : new TasmotaDevice(registration);
            }

            _byTopic = byTopic;
            _byDevice = byTopic.Values.ToDictionary(d => d.Registration.DeviceId, StringComparer.Ordinal);
            _topics = byTopic.Keys.ToHashSet(StringComparer.Ordinal);
        }
    }
}
