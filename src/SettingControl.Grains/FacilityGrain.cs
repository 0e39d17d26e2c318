using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Grains;

public sealed class FacilityState
{
    public List<FacilityRoom> Rooms { get; set; } = [];
}

public sealed record FacilityRoom(string RoomId, string Name, List<DeviceAssignment> Devices);

/// <summary>
/// The registry of rooms and device assignments. It is the only writer of assignments: it tells each
/// room which devices it has and each device which room it belongs to.
/// </summary>
public sealed class FacilityGrain(
    [PersistentState("facility", StorageNames.Default)] IPersistentState<FacilityState> state) : Grain, IFacilityGrain
{
    public async Task EnsureRoom(RoomDefinition room)
    {
        if (!Identifiers.IsValid(room.RoomId))
        {
            throw new ArgumentException($"'{room.RoomId}' is not a valid room id (lower-case letters, digits, '-' and '_').", nameof(room));
        }

        foreach (var device in room.Devices)
        {
            if (!Identifiers.IsValid(device.DeviceId) || device.Kind is not ("light" or "mask"))
            {
                throw new ArgumentException($"Device '{device.DeviceId}' of kind '{device.Kind}' is not valid.", nameof(room));
            }

            var owner = state.State.Rooms.FirstOrDefault(r => r.RoomId != room.RoomId && r.Devices.Any(d => d.DeviceId == device.DeviceId));
            if (owner is not null)
            {
                throw new ArgumentException($"Device '{device.DeviceId}' is already assigned to room '{owner.RoomId}'.", nameof(room));
            }
        }

        var existing = state.State.Rooms.FirstOrDefault(r => r.RoomId == room.RoomId);
        if (existing is null)
        {
            state.State.Rooms.Add(new FacilityRoom(room.RoomId, room.Name, [.. room.Devices]));
            await state.WriteStateAsync();
            existing = state.State.Rooms[^1];
        }

        // Idempotent: re-telling rooms and devices their assignment repairs a start that was interrupted
        // between writing the registry and provisioning the room.
        await GrainFactory.GetGrain<IRoomGrain>(existing.RoomId).Provision(existing.Name, existing.Devices);
        foreach (var device in existing.Devices)
        {
            await GrainFactory.GetGrain<IDeviceGrain>(device.DeviceId).Assign(existing.RoomId, device.Kind);
        }
    }

    public Task<IReadOnlyList<RoomSummary>> ListRooms() =>
        Task.FromResult<IReadOnlyList<RoomSummary>>(
            state.State.Rooms.Select(r => new RoomSummary(r.RoomId, r.Name, [.. r.Devices])).ToArray());

    public ValueTask<string?> FindRoomOfDevice(string deviceId) =>
        ValueTask.FromResult(state.State.Rooms.FirstOrDefault(r => r.Devices.Any(d => d.DeviceId == deviceId))?.RoomId);
}
