using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// Which node a room's music needs: the node (<c>Cluster:NodeName</c>) that has the sound card or folder of the room's
/// audio output, or null when any node will do. The host answers it from the rooms' audio outputs.
/// </summary>
public interface IMusicOutputNodes
{
    string? NodeFor(string roomId);
}

/// <summary>How room grains are placed: see <see cref="RoomPlacementDirector"/>.</summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class RoomPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RoomPlacementAttribute() : PlacementAttribute(new RoomPlacement());

/// <summary>
/// Places a room on the node its music output belongs to while that node is up, so the room plays where its speaker
/// is; otherwise on the node that asked (as Orleans' prefer-local placement does), so a room that loses its node comes
/// back at once on a survivor. A placement hint (a migration's target) comes first.
/// </summary>
public sealed class RoomPlacementDirector(IClusterMembershipService membership, IServiceProvider services) : IPlacementDirector
{
    private readonly IMusicOutputNodes? _nodes = services.GetService(typeof(IMusicOutputNodes)) as IMusicOutputNodes;

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible) is { } hinted)
        {
            return Task.FromResult(hinted);
        }

        if (_nodes?.NodeFor(target.GrainIdentity.Key.ToString()!) is { } node && ClusterNodes.ActiveNamed(membership, node) is { } home && compatible.Contains(home))
        {
            return Task.FromResult(home);
        }

        return Task.FromResult(context.LocalSiloStatus == SiloStatus.Active && compatible.Contains(context.LocalSilo)
            ? context.LocalSilo
            : compatible[Random.Shared.Next(compatible.Length)]);
    }
}

public static class ClusterNodes
{
    /// <summary>The active node of that name (<c>Cluster:NodeName</c>), or null when none is up.</summary>
    /// <remarks>A node that restarted may still be listed as active under its old generation for a few seconds: the newest wins.</remarks>
    public static SiloAddress? ActiveNamed(IClusterMembershipService membership, string name) =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && string.Equals(m.Name, name, StringComparison.Ordinal))
            .MaxBy(m => m.SiloAddress.Generation)?.SiloAddress;
}

public static class RoomGrainSilo
{
    /// <summary>
    /// What a silo needs to host rooms that move: the placement above, and the room's state carried in a move as the
    /// JSON every storage provider writes (the domain's types carry no Orleans attributes).
    /// </summary>
    public static ISiloBuilder AddRoomPlacement(this ISiloBuilder silo)
    {
        silo.AddPlacementDirector<RoomPlacement, RoomPlacementDirector>();
        silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(
            isSupported: type => type == typeof(RoomState),
            jsonSerializerOptions: SettingControl.Contracts.Storage.StoredStateJson.Options));
        return silo;
    }
}
