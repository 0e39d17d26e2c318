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

    private readonly RegisteredDevices<TasmotaRegistration, TasmotaDevice> _devices;

    public TasmotaConvention(TasmotaDirectory directory)
    {
        _devices = new(directory, d => d.DeviceId, d => [d.Topic], d => new TasmotaDevice(d), d => d.Registration);
        _devices.Changed += () => SubscriptionFiltersChanged?.Invoke();
        AccessRules = new TasmotaAccessRules(() => _devices.Topics);
    }

    public string Name => ConventionName;

    public event Action? SubscriptionFiltersChanged;

    public IReadOnlyList<string> SubscriptionFilters => _devices.Topics.Order(StringComparer.Ordinal).SelectMany(TasmotaTopics.FiltersFor).ToArray();

    public IBrokerAccessRules AccessRules { get; }

    /// <summary>What a registered device shows now (unknown until it said anything).</summary>
    public TasmotaDeviceStatus StatusOf(string deviceId) => _devices.ByDevice(deviceId)?.Status ?? new TasmotaDeviceStatus("unknown", null, null);

    public bool Claims(string deviceId) => _devices.ByDevice(deviceId) is not null;

    public ConventionParse Parse(string topic, ReadOnlySequence<byte> payload)
    {
        var kind = TasmotaTopics.Classify(topic, out var deviceTopic);
        if (kind == TasmotaTopicKind.Foreign || _devices.ByTopic(deviceTopic) is not { } device)
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

    /// <summary>Tasmota has no command ids: a QoS 1 redelivery of the same whole state is harmless.</summary>
    public OutboundRequest? BuildCommand(DeviceCommand command, string commandId) =>
        _devices.ByDevice(command.DeviceId) is { Registration.Topic: var topic }
            ? new OutboundRequest(TasmotaTopics.Backlog(topic), Encoding.UTF8.GetBytes(TasmotaPayloads.Backlog(command)))
            : null;
}
