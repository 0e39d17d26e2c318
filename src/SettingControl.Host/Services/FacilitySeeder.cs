using Microsoft.Extensions.Options;
using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// Creates the rooms named in configuration (section <c>Rooms</c>) and, with <c>--simulate N</c>, the
/// simulated rooms room-1 … room-N. Seeding is idempotent: existing rooms keep their state.
/// </summary>
public sealed class FacilitySeeder(
    IGrainFactory grains,
    IConfiguration configuration,
    IOptions<SimulationOptions> simulation,
    ILogger<FacilitySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var facility = grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key);
        var rooms = configuration.GetSection("Rooms").Get<List<ConfiguredRoom>>() ?? [];
        foreach (var room in rooms)
        {
            await facility.EnsureRoom(new RoomDefinition(
                room.Id,
                room.Name ?? room.Id,
                room.Devices.Select(d => new DeviceAssignment(d.Id, d.Kind)).ToArray()));
        }

        var simulated = (simulation.Value.Mix ? SimulatedMix.Rooms(simulation.Value.Rooms) : SimulatedRooms(simulation.Value.Rooms)).ToArray();
        if (simulated.Length > 0)
        {
            await facility.EnsureRooms(simulated);
        }

        var count = rooms.Count + Math.Max(0, simulation.Value.Rooms);
        if (count > 0)
        {
            logger.LogInformation("Facility seeded with {Count} configured/simulated rooms", count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The rooms --simulate creates; device ids match what firmware-sim runs for the same room count.</summary>
    public static IEnumerable<RoomDefinition> SimulatedRooms(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            yield return new RoomDefinition(
                $"room-{i}",
                $"Room {i}",
                [
                    new DeviceAssignment($"room-{i}-light-1", "light"),
                    new DeviceAssignment($"room-{i}-light-2", "light"),
                    new DeviceAssignment($"room-{i}-mask", "mask"),
                ]);
        }
    }
}
