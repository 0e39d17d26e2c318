using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Grains;

/// <summary>
/// One treatment room. Desired state is persisted before a command is acknowledged; what devices
/// report (actual state, availability) is kept in memory because the devices re-publish it as retained
/// messages whenever the controller (re)subscribes.
/// </summary>
public sealed class RoomGrain : Grain, IRoomGrain
{
    /// <summary>Observers must re-subscribe within this time; the host's bridge refreshes well before.</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromMinutes(2);

    private readonly IPersistentState<RoomState> _state;
    private readonly IDeviceCommands _devices;
    private readonly TimeProvider _time;
    private readonly ILogger<RoomGrain> _logger;
    private readonly ObserverManager<IRoomObserver> _observers;
    private readonly Dictionary<string, LiveDevice> _live = new(StringComparer.Ordinal);

    public RoomGrain(
        [PersistentState("room", StorageNames.Default)] IPersistentState<RoomState> state,
        IDeviceCommands devices,
        TimeProvider time,
        ILogger<RoomGrain> logger)
    {
        _state = state;
        _devices = devices;
        _time = time;
        _logger = logger;
        _observers = new ObserverManager<IRoomObserver>(ObserverExpiry, logger);
    }

    private string RoomId => this.GetPrimaryKeyString();

    public async Task Provision(string name, IReadOnlyList<DeviceAssignment> devices)
    {
        var assigned = new List<AssignedDevice>();
        foreach (var device in devices)
        {
            if (!Mapping.TryParseKind(device.Kind, out var kind))
            {
                throw new ArgumentException($"Device '{device.DeviceId}' has unknown kind '{device.Kind}'.", nameof(devices));
            }

            assigned.Add(new AssignedDevice(device.DeviceId, kind));
        }

        var unchanged = _state.State.Provisioned && _state.State.Name == name && _state.State.Devices.SequenceEqual(assigned);
        if (unchanged)
        {
            return;
        }

        await Persist(s =>
        {
            s.Provisioned = true;
            s.Name = name;
            s.Devices = assigned;
            s.Version++;
        });
        Notify();
    }

    public ValueTask<bool> Exists() => ValueTask.FromResult(_state.State.Provisioned);

    public ValueTask<RoomSnapshot?> GetSnapshot() =>
        ValueTask.FromResult(_state.State.Provisioned ? BuildSnapshot() : null);

    public async Task<CommandResult> SetLighting(SetLightingRequest request, Actor actor)
    {
        if (!_state.State.Provisioned)
        {
            return CommandResult.NotFound(RoomId);
        }

        var command = request.ToCommand();
        var errors = CommandValidation.Validate(command);
        if (errors.Count > 0)
        {
            return new CommandResult(CommandOutcome.Invalid, null, errors.ToDto());
        }

        var desired = RoomRules.Apply(_state.State.Desired, command);
        var transitionMs = command.TransitionMs ?? 0;
        await Persist(s =>
        {
            s.Desired = desired;
            s.LastTransitionMs = transitionMs;
            s.Version++;
            s.LastChange = new RecordedChange(actor.ToString(), Describe(command), _time.GetUtcNow());
        });

        await SendToDevices(DeviceKind.Light, transitionMs);
        Notify();
        return new CommandResult(CommandOutcome.Accepted, BuildSnapshot(), []);
    }

    public async Task<CommandResult> SetMask(SetMaskRequest request, Actor actor)
    {
        if (!_state.State.Provisioned)
        {
            return CommandResult.NotFound(RoomId);
        }

        var command = request.ToCommand();
        var errors = CommandValidation.Validate(command);
        if (errors.Count > 0)
        {
            return new CommandResult(CommandOutcome.Invalid, null, errors.ToDto());
        }

        var desired = RoomRules.Apply(_state.State.Desired, command);
        await Persist(s =>
        {
            s.Desired = desired;
            s.Version++;
            s.LastChange = new RecordedChange(actor.ToString(), Describe(command), _time.GetUtcNow());
        });

        await SendToDevices(DeviceKind.Mask, 0);
        Notify();
        return new CommandResult(CommandOutcome.Accepted, BuildSnapshot(), []);
    }

    public Task OnDeviceAnnounced(DeviceAnnouncement announcement)
    {
        if (!TryGetAssigned(announcement.DeviceId, out _))
        {
            return Task.CompletedTask;
        }

        var live = Live(announcement.DeviceId);
        live.Model = announcement.Model;
        live.Firmware = announcement.Firmware;
        if (announcement.MinColorTempK is { } min && announcement.MaxColorTempK is { } max)
        {
            live.Capabilities = new DeviceCapabilities(min, max, announcement.MaxTransitionMs ?? Ranges.MaxTransitionMs);
        }

        _state.State.Version++;
        Notify();
        return Task.CompletedTask;
    }

    public async Task OnDeviceAvailability(string deviceId, bool online, DateTimeOffset at)
    {
        if (!TryGetAssigned(deviceId, out var device))
        {
            return;
        }

        var live = Live(deviceId);
        live.Availability = online ? DeviceAvailability.Online : DeviceAvailability.Offline;
        live.LastSeen = at;
        if (online)
        {
            // A device that (re)connects may have rebooted into factory state (full white): put the
            // room's desired state back on it straight away. This also covers a controller restart,
            // where the retained "online" arrives as soon as the device link subscribes.
            await _devices.SendAsync(RoomRules.CommandFor(deviceId, device.Kind, _state.State.Desired, 0, live.Capabilities));
        }

        _state.State.Version++;
        Notify();
    }

    public Task OnDeviceState(string deviceId, DeviceStateReport report)
    {
        if (!TryGetAssigned(deviceId, out _))
        {
            return Task.CompletedTask;
        }

        var live = Live(deviceId);
        var s = report.State;
        live.Actual = new DeviceActualState(s.On, s.Brightness, s.ColorTempK, s.Light, s.Worn, s.Battery);
        live.LastSeen = report.ReceivedAt;
        _state.State.Version++;
        Notify();
        return Task.CompletedTask;
    }

    public Task Subscribe(IRoomObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IRoomObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private async Task SendToDevices(DeviceKind kind, int transitionMs)
    {
        foreach (var device in _state.State.Devices)
        {
            if (device.Kind != kind)
            {
                continue;
            }

            _live.TryGetValue(device.DeviceId, out var live);
            await _devices.SendAsync(RoomRules.CommandFor(device.DeviceId, kind, _state.State.Desired, transitionMs, live?.Capabilities));
        }
    }

    /// <summary>
    /// Applies a change and writes it; if the write fails the in-memory state is put back, so the grain
    /// never runs ahead of what storage holds.
    /// </summary>
    private async Task Persist(Action<RoomState> change)
    {
        var before = Snapshot(_state.State);
        change(_state.State);
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Room {RoomId}: storing the change failed; the change is refused", RoomId);
            Restore(_state.State, before);
            throw;
        }
    }

    private static RoomState Snapshot(RoomState s) => new()
    {
        Provisioned = s.Provisioned,
        Name = s.Name,
        Devices = [.. s.Devices],
        Desired = s.Desired,
        LastTransitionMs = s.LastTransitionMs,
        Version = s.Version,
        LastChange = s.LastChange,
    };

    private static void Restore(RoomState target, RoomState from)
    {
        target.Provisioned = from.Provisioned;
        target.Name = from.Name;
        target.Devices = from.Devices;
        target.Desired = from.Desired;
        target.LastTransitionMs = from.LastTransitionMs;
        target.Version = from.Version;
        target.LastChange = from.LastChange;
    }

    private bool TryGetAssigned(string deviceId, out AssignedDevice device)
    {
        foreach (var d in _state.State.Devices)
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

    private LiveDevice Live(string deviceId)
    {
        if (!_live.TryGetValue(deviceId, out var live))
        {
            live = new LiveDevice();
            _live[deviceId] = live;
        }

        return live;
    }

    private void Notify()
    {
        if (_observers.Count == 0)
        {
            return;
        }

        var snapshot = BuildSnapshot();
        _observers.Notify(o => o.RoomChanged(snapshot));
    }

    private RoomSnapshot BuildSnapshot()
    {
        var s = _state.State;
        var devices = new RoomDeviceDto[s.Devices.Count];
        for (var i = 0; i < devices.Length; i++)
        {
            var d = s.Devices[i];
            _live.TryGetValue(d.DeviceId, out var live);
            var actual = live?.Actual is { } a ? new ActualStateDto(a.On, a.Brightness, a.ColorTempK, a.Light, a.Worn, a.Battery) : null;
            devices[i] = new RoomDeviceDto(
                d.DeviceId,
                d.Kind.ToWire(),
                (live?.Availability ?? DeviceAvailability.Unknown).ToWire(),
                actual,
                live?.LastSeen,
                live?.Model,
                live?.Firmware);
        }

        var change = s.LastChange is { } c ? new ChangeDto(c.By, c.What, c.At) : null;
        return new RoomSnapshot(RoomId, s.Name, s.Version, s.Desired.ToDto(), s.LastTransitionMs, devices, change);
    }

    private static string Describe(LightingCommand c)
    {
        var parts = new List<string>(4);
        if (c.On is { } on) parts.Add(on ? "lights on" : "lights off");
        if (c.Brightness is { } b) parts.Add($"brightness {b}%");
        if (c.ColorTempK is { } k) parts.Add($"colour {k} K");
        if (c.TransitionMs is { } t and > 0) parts.Add($"over {t / 1000.0:0.#} s");
        return string.Join(", ", parts);
    }

    private static string Describe(MaskCommand c)
    {
        var parts = new List<string>(2);
        if (c.On is { } on) parts.Add(on ? "mask light on" : "mask light off");
        if (c.Light is { } l) parts.Add($"mask light {l}%");
        return string.Join(", ", parts);
    }

    /// <summary>What the room knows about a device from the device itself (not persisted).</summary>
    private sealed class LiveDevice
    {
        public DeviceAvailability Availability { get; set; } = DeviceAvailability.Unknown;

        public DeviceActualState? Actual { get; set; }

        public DateTimeOffset? LastSeen { get; set; }

        public string? Model { get; set; }

        public string? Firmware { get; set; }

        public DeviceCapabilities? Capabilities { get; set; }
    }
}
