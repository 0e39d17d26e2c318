using Orleans.Runtime;
using SettingControl.Contracts;
using SettingControl.Host.Security;

namespace SettingControl.Host.Api;

/// <summary>
/// <c>GET /api/cluster</c> (staff): the nodes Orleans' membership lists, with their status, which node answered, and
/// which node each room is active on. On a single node the list has one entry.
/// </summary>
public static class ClusterApi
{
    public sealed record ClusterNodeDto(string Address, string Status, bool Answering, string? Name = null);

    public sealed record ClusterRoomDto(string RoomId, string Node);

    public sealed record ClusterDto(string Provider, IReadOnlyList<ClusterNodeDto> Nodes, IReadOnlyList<ClusterRoomDto> Rooms);

    public static void MapClusterApi(this WebApplication app)
    {
        app.MapGet("/api/cluster", async (IClusterMembershipService membership, ILocalSiloDetails self, IGrainFactory grains, IConfiguration config) =>
        {
            var me = self.SiloAddress.ToParsableString();
            var nodes = membership.CurrentSnapshot.Members.Values
                .OrderBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal)
                .Select(m => new ClusterNodeDto(m.SiloAddress.ToParsableString(), m.Status.ToString(), m.SiloAddress.ToParsableString() == me, m.Name))
                .ToArray();
            var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
            var placed = await Task.WhenAll(rooms.Select(async r => new ClusterRoomDto(r.RoomId, await grains.GetGrain<IRoomGrain>(r.RoomId).ActiveOn())));
            return Results.Ok(new ClusterDto(ClusterProviders.IsPostgreSql(config) ? ClusterProviders.PostgreSql : ClusterProviders.Localhost, nodes, placed));
        }).ForStaff();
    }
}
