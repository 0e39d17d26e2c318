using SettingControl.Domain;
using SettingControl.Domain.Program;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// Turns a room's light program into device commands. A device is sent one segment of a fade at a time (no longer
/// than it can run on its own); the output remembers when the next segment is due and which reconnected devices must
/// continue a fade, and the room's clock calls <see cref="OnTick"/> to send them.
/// </summary>
internal sealed class DeviceOutput
{
    private readonly IDeviceCommands _commands;
    private readonly RoomDevices _devices;
    private readonly Action _workScheduled;
    private readonly HashSet<string> _continueDevices = new(StringComparer.Ordinal);

    /// <param name="workScheduled">Called as soon as there is work for a later tick, so the room keeps its clock running.</param>
    public DeviceOutput(IDeviceCommands commands, RoomDevices devices, Action workScheduled)
    {
        _commands = commands;
        _devices = devices;
        _workScheduled = workScheduled;
    }

    /// <summary>When the next segment of a fade must be sent, if a fade is longer than the devices run on their own.</summary>
    public DateTimeOffset? NextSegmentAt { get; private set; }

    /// <summary>True while a later tick has something to send.</summary>
    public bool HasWork => NextSegmentAt is not null || _continueDevices.Count > 0;

    /// <summary>
    /// Tells every device of a kind its current segment of the light program, as one batch: devices that form a group
    /// and are told the same can then get one broadcast.
    /// </summary>
    public async Task SendProgram(LightProgram lights, DeviceKind kind, DateTimeOffset now)
    {
        var commands = new List<DeviceCommand>();
        foreach (var device in _devices.Assigned)
        {
            if (device.Kind == kind)
            {
                commands.Add(Segment(lights, device, now));
            }
        }

        if (commands.Count == 1)
        {
            await _commands.SendAsync(commands[0]);
        }
        else if (commands.Count > 1)
        {
            await _commands.SendAllAsync(commands);
        }
    }

    /// <summary>
    /// A device that (re)connects may have rebooted into factory state (full white). It is put straight
    /// to where the room's light is now — mid-fade included — and the fade then continues from there on the next tick.
    /// </summary>
    public async Task Restore(LightProgram lights, AssignedDevice device, DateTimeOffset now)
    {
        if (!lights.IsMovingAt(now))
        {
            await SendSegment(lights, device, now);
            return;
        }

        DeviceCommand position;
        if (device.Kind == DeviceKind.Light)
        {
            var lighting = lights.LightingAt(now);
            position = new DeviceCommand(device.DeviceId, device.Kind, lighting.On, lighting.Brightness, lighting.ColorTempK, null, 0);
        }
        else
        {
            var mask = lights.MaskAt(now);
            position = new DeviceCommand(device.DeviceId, device.Kind, mask.On, null, null, mask.Light, 0);
        }

        await _commands.SendAsync(position);
        _continueDevices.Add(device.DeviceId);
        _workScheduled();
    }

    /// <summary>Sends the segments that are due: the next one of a long fade, and the fades of restored devices.</summary>
    public async Task OnTick(LightProgram lights, DateTimeOffset now)
    {
        if (NextSegmentAt is { } next && next <= now)
        {
            NextSegmentAt = null;
            await SendProgram(lights, DeviceKind.Light, now);
            await SendProgram(lights, DeviceKind.Mask, now);
        }

        if (_continueDevices.Count > 0)
        {
            foreach (var deviceId in _continueDevices.ToArray())
            {
                if (_devices.TryGetAssigned(deviceId, out var device))
                {
                    await SendSegment(lights, device, now);
                }
            }

            _continueDevices.Clear();
        }
    }

    private Task SendSegment(LightProgram lights, AssignedDevice device, DateTimeOffset now) =>
        _commands.SendAsync(Segment(lights, device, now)).AsTask();

    /// <summary>The device's command for its current segment; notes when the next segment is due.</summary>
    private DeviceCommand Segment(LightProgram lights, AssignedDevice device, DateTimeOffset now)
    {
        var capabilities = _devices.CapabilitiesOf(device.DeviceId);
        var segment = lights.SegmentAt(device.Kind, now, capabilities?.MaxTransitionMs ?? Ranges.MaxTransitionMs);
        var command = segment.ToCommand(device.DeviceId, device.Kind);
        if (device.Kind == DeviceKind.Light && capabilities is { } caps && command.ColorTempK is { } k)
        {
            command = command with { ColorTempK = Math.Clamp(k, caps.MinColorTempK, caps.MaxColorTempK) };
        }

        if (segment.ContinueAt is { } continueAt && (NextSegmentAt is null || continueAt < NextSegmentAt))
        {
            NextSegmentAt = continueAt;
            _workScheduled();
        }

        return command;
    }
}
