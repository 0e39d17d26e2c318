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
    public async Task EnsureRooms(IReadOnlyList<RoomDefinition> rooms)
    {
        var byId = state.State.Rooms.ToDictionary(r => r.RoomId, StringComparer.Ordinal);
        var owners = DeviceOwners();
        var added = false;
        foreach (var room in rooms)
        {
            Validate(room, owners);
            if (!byId.ContainsKey(room.RoomId))
            {
                var entry = new FacilityRoom(room.RoomId, room.Name, [.. room.Devices]);
                state.State.Rooms.Add(entry);
                byId[room.RoomId] = entry;
                foreach (var device in room.Devices)
                {
                    owners[device.DeviceId] = room.RoomId;
                }

                added = true;
            }
        }

        if (added)
        {
            await state.WriteStateAsync();
        }

        // Rooms and devices are told in parallel batches so that their writes share commits.
        foreach (var chunk in rooms.Chunk(64))
        {
            await Task.WhenAll(chunk.Select(r => Tell(byId[r.RoomId])));
        }
    }

    public async Task EnsureRoom(RoomDefinition room) => await EnsureRooms([room]);

    private Dictionary<string, string> DeviceOwners()
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var room in state.State.Rooms)
        {
            foreach (var device in room.Devices)
            {
                owners[device.DeviceId] = room.RoomId;
            }
        }

        return owners;
    }

    private static void Validate(RoomDefinition room, Dictionary<string, string> owners)
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

            if (owners.TryGetValue(device.DeviceId, out var owner) && owner != room.RoomId)
            {
                throw new ArgumentException($"Device '{device.DeviceId}' is already assigned to room '{owner}'.", nameof(room));
            }
        }
    }

    /// <summary>
    /// Idempotent: re-telling rooms and devices their assignment repairs a start that was interrupted
    /// between writing the registry and provisioning the room.
    /// </summary>
    private async Task Tell(FacilityRoom room)
    {
        await GrainFactory.GetGrain<IRoomGrain>(room.RoomId).Provision(room.Name, room.Devices);
        await Task.WhenAll(room.Devices.Select(d => GrainFactory.GetGrain<IDeviceGrain>(d.DeviceId).Assign(room.RoomId, d.Kind)));
    }

    public Task<IReadOnlyList<RoomSummary>> ListRooms() =>
        Task.FromResult<IReadOnlyList<RoomSummary>>(
            state.State.Rooms.Select(r => new RoomSummary(r.RoomId, r.Name, [.. r.Devices])).ToArray());

    public ValueTask<string?> FindRoomOfDevice(string deviceId) =>
        ValueTask.FromResult(state.State.Rooms.FirstOrDefault(r => r.Devices.Any(d => d.DeviceId == deviceId))?.RoomId);
}
