using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Grains;

public sealed class FacilityState
{
    public List<FacilityRoom> Rooms { get; set; } = [];

    /// <summary>Devices that announced themselves without a room: shown to staff to assign.</summary>
    public SortedSet<string> UnassignedDevices { get; set; } = new(StringComparer.Ordinal);
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

    public async Task<IReadOnlyList<FieldError>> CreateRoom(string roomId, string name)
    {
        if (!Identifiers.IsValid(roomId))
        {
            return [new FieldError("roomId", $"'{roomId}' is not a valid room id: lower-case letters, digits, '-' and '_'.")];
        }

        if (NameError(name) is { } nameError)
        {
            return [nameError];
        }

        if (state.State.Rooms.Any(r => r.RoomId == roomId))
        {
            return [new FieldError("roomId", $"Room '{roomId}' exists already.")];
        }

        await EnsureRooms([new RoomDefinition(roomId, name.Trim(), [])]);
        return [];
    }

    public async Task<IReadOnlyList<FieldError>> RenameRoom(string roomId, string name)
    {
        var room = state.State.Rooms.FirstOrDefault(r => r.RoomId == roomId);
        if (room is null)
        {
            return [new FieldError("roomId", $"Room '{roomId}' does not exist.")];
        }

        if (NameError(name) is { } nameError)
        {
            return [nameError];
        }

        await Replace(room, room with { Name = name.Trim() });
        return [];
    }

    public async Task<CommandResult> RetireRoom(string roomId, Actor actor)
    {
        var room = state.State.Rooms.FirstOrDefault(r => r.RoomId == roomId);
        if (room is null)
        {
            return CommandResult.NotFound(roomId);
        }

        // The room refuses while a session runs; only then is the registry changed.
        var result = await GrainFactory.GetGrain<IRoomGrain>(roomId).Retire(actor);
        if (result.Outcome != CommandOutcome.Accepted)
        {
            return result;
        }

        state.State.Rooms.Remove(room);
        foreach (var device in room.Devices)
        {
            state.State.UnassignedDevices.Add(device.DeviceId);
        }

        await state.WriteStateAsync();
        await Task.WhenAll(room.Devices.Select(d => GrainFactory.GetGrain<IDeviceGrain>(d.DeviceId).Assign(null, d.Kind)));
        return result;
    }

    public async Task<IReadOnlyList<FieldError>> AssignDevice(string deviceId, string roomId, string? kind)
    {
        var room = state.State.Rooms.FirstOrDefault(r => r.RoomId == roomId);
        if (room is null)
        {
            return [new FieldError("roomId", $"Room '{roomId}' does not exist.")];
        }

        if (!Identifiers.IsValid(deviceId))
        {
            return [new FieldError("deviceId", $"'{deviceId}' is not a valid device id.")];
        }

        var info = await GrainFactory.GetGrain<IDeviceGrain>(deviceId).GetInfo();
        kind ??= info.Kind;
        if (kind is not ("light" or "mask"))
        {
            return [new FieldError("kind", $"Device '{deviceId}' has not announced its kind; give \"kind\": \"light\" or \"mask\".")];
        }

        if (room.Devices.Any(d => d.DeviceId == deviceId))
        {
            return [];
        }

        if (state.State.Rooms.FirstOrDefault(r => r.Devices.Any(d => d.DeviceId == deviceId)) is { } previous)
        {
            await Replace(previous, previous with { Devices = previous.Devices.Where(d => d.DeviceId != deviceId).ToList() });
        }

        state.State.UnassignedDevices.Remove(deviceId);
        room = state.State.Rooms.First(r => r.RoomId == roomId);
        await Replace(room, room with { Devices = [.. room.Devices, new DeviceAssignment(deviceId, kind)] });
        return [];
    }

    public async Task<IReadOnlyList<FieldError>> UnassignDevice(string deviceId)
    {
        var room = state.State.Rooms.FirstOrDefault(r => r.Devices.Any(d => d.DeviceId == deviceId));
        if (room is null)
        {
            return [new FieldError("deviceId", $"Device '{deviceId}' is not assigned to any room.")];
        }

        var device = room.Devices.First(d => d.DeviceId == deviceId);
        state.State.UnassignedDevices.Add(deviceId);
        await Replace(room, room with { Devices = room.Devices.Where(d => d.DeviceId != deviceId).ToList() });
        await GrainFactory.GetGrain<IDeviceGrain>(deviceId).Assign(null, device.Kind);
        return [];
    }

    public async Task DeviceSeen(string deviceId)
    {
        if (state.State.Rooms.Any(r => r.Devices.Any(d => d.DeviceId == deviceId)) || !state.State.UnassignedDevices.Add(deviceId))
        {
            return;
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListDeviceIds() => Task.FromResult<IReadOnlyList<string>>(
        state.State.Rooms.SelectMany(r => r.Devices.Select(d => d.DeviceId)).Concat(state.State.UnassignedDevices).Distinct().Order(StringComparer.Ordinal).ToArray());

    private static FieldError? NameError(string? name) => string.IsNullOrWhiteSpace(name) || name.Trim().Length > 80
        ? new FieldError("name", "A room name is 1–80 characters.")
        : null;

    /// <summary>Writes the registry with one room replaced, then tells the room and its devices.</summary>
    private async Task Replace(FacilityRoom current, FacilityRoom updated)
    {
        var index = state.State.Rooms.IndexOf(current);
        state.State.Rooms[index] = updated;
        await state.WriteStateAsync();
        await Tell(updated);
    }

    public ValueTask<string?> FindRoomOfDevice(string deviceId) =>
        ValueTask.FromResult(state.State.Rooms.FirstOrDefault(r => r.Devices.Any(d => d.DeviceId == deviceId))?.RoomId);
}
