using SettingControl.Contracts;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Conventions.Tasmota;

/// <summary>What staff see of a Tasmota device: whether it is online, and what it said it runs.</summary>
public sealed record TasmotaDeviceStatus(string Availability, string? Module, string? Version);

/// <summary>
/// One registered Tasmota device as the controller hears it: its availability, the module and version its INFO1
/// named, and its last light fields (a plain <c>stat/…/POWER</c> carries only the power; the rest is what it said last).
/// </summary>
internal sealed class TasmotaDevice(TasmotaRegistration registration)
{
    private readonly Lock _lock = new();
    private bool _announced;
    private bool? _online;
    private string? _module;
    private string? _version;
    private TasmotaLight _light;

    public TasmotaRegistration Registration => registration;

    public TasmotaDeviceStatus Status
    {
        get
        {
            lock (_lock)
            {
                return new TasmotaDeviceStatus(_online switch { true => "online", false => "offline", null => "unknown" }, _module, _version);
            }
        }
    }

    public ConventionParse OnMessage(TasmotaTopicKind kind, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            return kind switch
            {
                TasmotaTopicKind.Lwt => OnLwt(payload),
                TasmotaTopicKind.Info => OnInfo(payload),
                TasmotaTopicKind.Result or TasmotaTopicKind.State => OnLight(payload),
                TasmotaTopicKind.Power => OnPower(payload),
                _ => ConventionParse.Of(),
            };
        }
    }

    /// <summary>
    /// Online: the device is read back with <c>State</c> before anything is trusted (the request is published before
    /// the availability reaches its room, whose restore follows).
    /// </summary>
    private ConventionParse OnLwt(ReadOnlySpan<byte> payload)
    {
        if (!TasmotaPayloads.TryParseLwt(payload, out var online))
        {
            return ConventionParse.Dropped(DropReason.UnknownValue);
        }

        _online = online;
        var messages = new List<InboundDeviceMessage>();
        InboundDeviceMessage.Announced.Once(ref _announced, messages, Announcement);
        messages.Add(new InboundDeviceMessage.AvailabilityChanged(registration.DeviceId, online));
        IReadOnlyList<OutboundRequest> requests = online ? [new OutboundRequest(TasmotaTopics.StateQuery(registration.Topic), [])] : [];
        return ConventionParse.Of(messages, requests);
    }

    private ConventionParse OnInfo(ReadOnlySpan<byte> payload)
    {
        if (!TasmotaPayloads.TryParseInfo(payload, out var module, out var version))
        {
            return ConventionParse.Dropped(DropReason.InvalidJson);
        }

        (module, version) = (module ?? _module, version ?? _version);
        if (module == _module && version == _version && _announced)
        {
            return ConventionParse.Of();
        }

        (_module, _version) = (module, version);
        _announced = true;
        return ConventionParse.Of(new InboundDeviceMessage.Announced(registration.DeviceId, Announcement()));
    }

    private ConventionParse OnLight(ReadOnlySpan<byte> payload)
    {
        var reason = TasmotaPayloads.TryParseLight(payload, out var light);
        if (reason != DropReason.None)
        {
            return ConventionParse.Dropped(reason);
        }

        if (light.Power is null)
        {
            // A reply to a setting (Fade, Speed, SetOption117) or an unknown command: nothing about the light.
            return ConventionParse.Of();
        }

        _light = new TasmotaLight(light.Power, light.Dimmer ?? _light.Dimmer, light.Ct ?? _light.Ct);
        return Report();
    }

    private ConventionParse OnPower(ReadOnlySpan<byte> payload)
    {
        if (!TasmotaPayloads.TryParsePower(payload, out var on))
        {
            return ConventionParse.Dropped(DropReason.UnknownValue);
        }

        _light = _light with { Power = on };
        return Report();
    }

    private ConventionParse Report()
    {
        var messages = new List<InboundDeviceMessage>();
        InboundDeviceMessage.Announced.Once(ref _announced, messages, Announcement);
        if (_online != true)
        {
            // A device that reports is online, whatever its LWT said last (a retained LWT may be older than it).
            _online = true;
            messages.Add(new InboundDeviceMessage.AvailabilityChanged(registration.DeviceId, true));
        }

        var kelvin = _light.Ct is { } ct
            ? Math.Clamp(TasmotaValues.ToKelvin(ct), TasmotaValues.MinColorTempK, TasmotaValues.MaxColorTempK)
            : (int?)null;
        messages.Add(new InboundDeviceMessage.StateReported(registration.DeviceId, new ActualStateDto(_light.Power == true, _light.Dimmer, kelvin, null, null, null)));
        return ConventionParse.Of(messages, []);
    }

    private DeviceAnnouncement Announcement() => new(
        registration.DeviceId,
        DeviceKinds.Light,
        _module ?? "Tasmota",
        _version ?? string.Empty,
        TasmotaValues.MinColorTempK,
        TasmotaValues.MaxColorTempK,
        TasmotaValues.MaxTransitionMs,
        TasmotaConvention.ConventionName,
        registration.Name,
        null);
}
