using SettingControl.Contracts;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// What a room knows about its devices from the devices themselves: availability, reported state, model and
/// capabilities. Kept in memory only, because devices re-publish it as retained messages whenever the controller
/// subscribes. Reports from devices the room was not given are ignored.
/// </summary>
internal sealed class RoomDevices
{
    private readonly Func<IReadOnlyList<AssignedDevice>> _assigned;
    private readonly Dictionary<string, LiveDevice> _live = new(StringComparer.Ordinal);
    private readonly DeviceFlapGuard _flapGuard = new();

    /// <param name="assigned">The room's devices as stored now (the stored list is replaced on reload and retire).</param>
    public RoomDevices(Func<IReadOnlyList<AssignedDevice>> assigned) => _assigned = assigned;

    public IReadOnlyList<AssignedDevice> Assigned => _assigned();

    public bool TryGetAssigned(string deviceId, out AssignedDevice device)
    {
        foreach (var d in _assigned())
        {
            if (d.DeviceId == deviceId)
            {
                device = d;
                return true;
            }
        }

        device = null!;
        return false;
    }

    public LiveDevice? Find(string deviceId) => _live.GetValueOrDefault(deviceId);

    public DeviceCapabilities? CapabilitiesOf(string deviceId) => Find(deviceId)?.Capabilities;

    /// <summary>Takes a device's announcement; false when the device is not this room's.</summary>
    public bool Announce(DeviceAnnouncement announcement)
    {
        if (!TryGetAssigned(announcement.DeviceId, out _))
        {
            return false;
        }

        var live = Live(announcement.DeviceId);
        live.Model = announcement.Model;
        live.Firmware = announcement.Firmware;
        if (announcement.MinColorTempK is { } min && announcement.MaxColorTempK is { } max)
        {
            live.Capabilities = new DeviceCapabilities(min, max, announcement.MaxTransitionMs ?? Ranges.MaxTransitionMs);
        }
        else if (announcement.MaxTransitionMs is { } maxTransition)
        {
            live.Capabilities = new DeviceCapabilities(Ranges.MinColorTempK, Ranges.MaxColorTempK, maxTransition);
        }

        return true;
    }

    /// <summary>
    /// Takes a device's online/offline report; null when the device is not this room's, otherwise the device and
    /// whether its availability changed.
    /// </summary>
    public (AssignedDevice Device, bool Changed)? ReportAvailability(string deviceId, bool online, DateTimeOffset at)
    {
        if (!TryGetAssigned(deviceId, out var device))
        {
            return null;
        }

        var live = Live(deviceId);
        var was = live.Availability;
        live.Availability = online ? DeviceAvailability.Online : DeviceAvailability.Offline;
        live.LastSeen = at;
        return (device, was != live.Availability);
    }

    /// <summary>
    /// Takes a device's state report. True only when what it shows changed: devices report once a second even when
    /// nothing moves, and only a change is worth a push to every dashboard.
    /// </summary>
    public bool ReportState(string deviceId, DeviceStateReport report)
    {
        if (!TryGetAssigned(deviceId, out _))
        {
            return false;
        }

        var live = Live(deviceId);
        var s = report.State;
        var actual = new DeviceActualState(s.On, s.Brightness, s.ColorTempK, s.Light, s.Worn, s.Battery);
        live.LastSeen = report.ReceivedAt;
        if (actual == live.Actual)
        {
            return false;
        }

        live.Actual = actual;
        return true;
    }

    /// <summary>
    /// An availability change as a record event, unless the device is flapping: then at most a few flips and a
    /// summary per window go into the record (<see cref="DeviceFlapGuard"/>), so one bad device cannot flood it.
    /// </summary>
    public RoomEvent? RecordAvailability(string deviceId, bool online, DateTimeOffset at, string phase)
    {
        var actor = $"device:{deviceId}";
        return _flapGuard.Observe(deviceId, at, out var suppressed) switch
        {
            FlapDecision.Record => new RoomEvent(online ? RoomEventTypes.DeviceOnline : RoomEventTypes.DeviceOffline, $"{deviceId} {(online ? "online" : "offline")}", actor, at) { Phase = phase },
            FlapDecision.StartSummarising => new RoomEvent(RoomEventTypes.DeviceFlapping, $"{deviceId} keeps dropping in and out; its further online/offline changes are counted, not recorded one by one", actor, at) { Phase = phase },
            FlapDecision.Summary => new RoomEvent(RoomEventTypes.DeviceFlapping, $"{deviceId} changed between online and offline {suppressed} more times; now {(online ? "online" : "offline")}", actor, at) { Phase = phase },
            _ => null,
        };
    }

    /// <summary>
    /// The room's actual levels: the mean over the online devices that reported them, so a fade the therapist
    /// interrupts starts from where the light really is. Null where no device reported.
    /// </summary>
    public ActualLevels Actual()
    {
        double brightness = 0, colorTemp = 0, maskLight = 0;
        int lights = 0, masks = 0;
        foreach (var device in _assigned())
        {
            if (!_live.TryGetValue(device.DeviceId, out var live) || live.Availability != DeviceAvailability.Online || live.Actual is not { } actual)
            {
                continue;
            }

            if (device.Kind == DeviceKind.Light && actual.Brightness is { } b && actual.ColorTempK is { } k)
            {
                brightness += b;
                colorTemp += k;
                lights++;
            }
            else if (device.Kind == DeviceKind.Mask && actual.Light is { } l)
            {
                maskLight += l;
                masks++;
            }
        }

        return new ActualLevels(
            lights > 0 ? brightness / lights : null,
            lights > 0 ? colorTemp / lights : null,
            masks > 0 ? maskLight / masks : null);
    }

    /// <summary>Every assigned device's availability and actual state, as a record event carries them.</summary>
    public IReadOnlyList<DeviceActualDto> ActualDevices() =>
        _assigned().Select(d =>
        {
            var live = Find(d.DeviceId);
            return new DeviceActualDto(d.DeviceId, (live?.Availability ?? DeviceAvailability.Unknown).ToWire(), live?.Actual.ToDto());
        }).ToArray();

    /// <summary>
    /// What the devices said, for the room's move to another node: a move subscribes to nothing, so no device says it
    /// again (its availability is a retained message it sends once). The flap guard's short memory is not carried.
    /// </summary>
    public string Carried() => System.Text.Json.JsonSerializer.Serialize(_live, Contracts.Storage.StoredStateJson.Options);

    public void TakeCarried(string carried)
    {
        if (System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, LiveDevice>>(carried, Contracts.Storage.StoredStateJson.Options) is { } live)
        {
            foreach (var (deviceId, device) in live)
            {
                _live[deviceId] = device;
            }
        }
    }

    private LiveDevice Live(string deviceId)
    {
        if (!_live.TryGetValue(deviceId, out var live))
        {
            live = new LiveDevice();
            _live[deviceId] = live;
        }

        return live;
    }
}

/// <summary>What the room knows about one device from the device itself (not persisted; carried when the room moves).</summary>
internal sealed class LiveDevice
{
    public DeviceAvailability Availability { get; set; } = DeviceAvailability.Unknown;

    public DeviceActualState? Actual { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    public string? Model { get; set; }

    public string? Firmware { get; set; }

    public DeviceCapabilities? Capabilities { get; set; }
}
