using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Grains;

public sealed class DeviceState
{
    public string? RoomId { get; set; }

    public string? Kind { get; set; }

    public string? Model { get; set; }

    public string? Firmware { get; set; }

    /// <summary>How the device speaks MQTT (absent in state written before conventions were recorded: SettingControl v1).</summary>
    public string? Convention { get; set; }

    /// <summary>The name the device has elsewhere (a Zigbee2MQTT friendly name), shown to staff.</summary>
    public string? Name { get; set; }

    public string? Vendor { get; set; }

    public int? MinColorTempK { get; set; }

    public int? MaxColorTempK { get; set; }

    /// <summary>The longest fade the device runs itself; longer ones are stepped by its room.</summary>
    public int? MaxTransitionMs { get; set; }

    /// <summary>What the device last said about itself, for a room it is assigned to after it announced.</summary>
    public DeviceAnnouncement? AsAnnouncement(string deviceId) => Model is null || Kind is null ? null
        : new DeviceAnnouncement(deviceId, Kind, Model, Firmware ?? string.Empty, MinColorTempK, MaxColorTempK, MaxTransitionMs, Convention, Name, Vendor);
}

/// <summary>
/// One device, keyed by its id. It remembers what the device announced and which room it belongs to,
/// and passes what the device reports on to that room. A device no room owns controls nothing:
/// its messages are recorded here and go no further.
/// </summary>
public sealed class DeviceGrain(
    [PersistentState("device", StorageNames.Default)] IPersistentState<DeviceState> state) : Grain, IDeviceGrain
{
    private DeviceAvailability _availability = DeviceAvailability.Unknown;
    private DateTimeOffset? _lastSeen;
    private bool _toldFacility;

    private IRoomGrain? Room => state.State.RoomId is { } roomId ? GrainFactory.GetGrain<IRoomGrain>(roomId) : null;

    public async Task Assign(string? roomId, string kind)
    {
        if (state.State.RoomId == roomId && state.State.Kind == kind)
        {
            return;
        }

        state.State.RoomId = roomId;
        state.State.Kind = kind;
        await state.WriteStateAsync();

        // A device that announced itself before staff assigned it is handed to its new room at once: first what it
        // said about itself (its colour range and the longest fade it runs, without which the room would send a long
        // fade as one), then whether it is online, which shows it and sends it the room's state.
        if (roomId is not null && state.State.AsAnnouncement(this.GetPrimaryKeyString()) is { } announced)
        {
            await GrainFactory.GetGrain<IRoomGrain>(roomId).OnDeviceAnnounced(announced);
        }

        if (roomId is not null && _availability != DeviceAvailability.Unknown && _lastSeen is { } seen)
        {
            await GrainFactory.GetGrain<IRoomGrain>(roomId).OnDeviceAvailability(this.GetPrimaryKeyString(), _availability == DeviceAvailability.Online, seen);
        }

        // Assignment happens at provisioning; the device's own messages bring it back when needed,
        // so an idle facility does not keep a device grain per device in memory.
        DeactivateOnIdle();
    }

    public ValueTask<string?> RoomOf() => ValueTask.FromResult(state.State.RoomId);

    public ValueTask<DeviceInfoDto> GetInfo() => ValueTask.FromResult(new DeviceInfoDto(
        this.GetPrimaryKeyString(),
        state.State.Kind,
        state.State.Model,
        state.State.Firmware,
        state.State.RoomId,
        _availability.ToWire(),
        _lastSeen,
        state.State.Convention,
        state.State.Name,
        state.State.Vendor,
        state.State.MinColorTempK,
        state.State.MaxColorTempK));

    public async Task<bool> Announced(DeviceAnnouncement announcement)
    {
        _lastSeen = DateTimeOffset.UtcNow;
        var changed = state.State.Model != announcement.Model || state.State.Firmware != announcement.Firmware ||
                      (state.State.RoomId is null && state.State.Kind != announcement.Kind) ||
                      state.State.Convention != announcement.Convention || state.State.Name != announcement.Name ||
                      state.State.Vendor != announcement.Vendor || state.State.MinColorTempK != announcement.MinColorTempK ||
                      state.State.MaxColorTempK != announcement.MaxColorTempK || state.State.MaxTransitionMs != announcement.MaxTransitionMs;
        if (changed)
        {
            state.State.Model = announcement.Model;
            state.State.Firmware = announcement.Firmware;
            state.State.Convention = announcement.Convention;
            state.State.Name = announcement.Name;
            state.State.Vendor = announcement.Vendor;
            state.State.MinColorTempK = announcement.MinColorTempK;
            state.State.MaxColorTempK = announcement.MaxColorTempK;
            state.State.MaxTransitionMs = announcement.MaxTransitionMs;
            state.State.Kind ??= announcement.Kind;
            if (state.State.RoomId is null)
            {
                state.State.Kind = announcement.Kind;
            }

            await state.WriteStateAsync();
        }

        if (Room is not { } room)
        {
            if (!_toldFacility)
            {
                // Staff see it in the console and may assign it; until then it controls nothing.
                await GrainFactory.GetGrain<IFacilityGrain>(IFacilityGrain.Key).DeviceSeen(this.GetPrimaryKeyString());
                _toldFacility = true;
            }

            return false;
        }

        await room.OnDeviceAnnounced(announcement);
        return true;
    }

    public async Task<bool> AvailabilityChanged(bool online, DateTimeOffset at)
    {
        _availability = online ? DeviceAvailability.Online : DeviceAvailability.Offline;
        _lastSeen = at;
        if (Room is not { } room)
        {
            return false;
        }

        await room.OnDeviceAvailability(this.GetPrimaryKeyString(), online, at);
        return true;
    }

    public async Task<bool> StateReported(DeviceStateReport report)
    {
        _lastSeen = report.ReceivedAt;
        if (Room is not { } room)
        {
            return false;
        }

        await room.OnDeviceState(this.GetPrimaryKeyString(), report);
        return true;
    }
}
