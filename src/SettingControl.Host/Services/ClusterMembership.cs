using Orleans.Runtime;
using SettingControl.Mqtt.Link;

namespace SettingControl.Host.Services;

/// <summary>
/// A PostgreSQL cluster's view of its nodes, from Orleans' own membership (docs/cluster.md):
/// <list type="bullet">
/// <item>which node handles each device's messages: the active node that ranks highest for the device
/// (rendezvous hashing over the active nodes, the same answer on every node from the same membership), so a node
/// that joins or dies moves only its share of the devices;</item>
/// <item>what a surviving node does when another is declared dead: wake every room (their clocks, fades and Lights up
/// carry on here), have each tell its devices where its light is and is going, and subscribe the dashboards again to
/// the rooms they watch.</item>
/// </list>
/// </summary>
public sealed class ClusterMembership(
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    RoomActivator activator,
    RoomObserverBridge dashboards,
    ILogger<ClusterMembership> logger) : BackgroundService, IDeviceOwnership
{
    private volatile string[] _active = [];

    // Asked for every device message: made once, not per message.
    private string? _self;

    private string Self => _self ??= localSilo.SiloAddress.ToParsableString();

    public event Action? Changed;

    public bool OwnsDevice(string deviceId)
    {
        var active = _active;
        if (active.Length == 0)
        {
            active = Active(membership.CurrentSnapshot);
        }

        string? best = null;
        ulong bestRank = 0;
        foreach (var node in active)
        {
            var rank = Rank(deviceId, node);
            if (best is null || rank > bestRank || (rank == bestRank && string.CompareOrdinal(node, best) > 0))
            {
                (best, bestRank) = (node, rank);
            }
        }

        return best is null || best == Self;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var before = _active;
                var now = Active(snapshot);
                if (before.SequenceEqual(now))
                {
                    continue;
                }

                _active = now;
                var gone = before.Except(now).ToArray();
                logger.LogInformation("Cluster membership: {Count} active node(s); {Gone} gone", now.Length, gone.Length);
                Changed?.Invoke();
                if (gone.Length > 0)
                {
                    await TakeOverAsync(gone, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TakeOverAsync(string[] gone, CancellationToken stoppingToken)
    {
        try
        {
            var rooms = await activator.ReassertAllAsync();
            await dashboards.RenewAsync(stoppingToken);
            logger.LogWarning("Node(s) {Gone} left the cluster; {Rooms} rooms woken, their devices told again, dashboards subscribed again", string.Join(", ", gone), rooms);
        }
        catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(failure, "Taking over the rooms of a node that left failed; they wake at their next call");
        }
    }

    private static string[] Active(ClusterMembershipSnapshot snapshot) =>
        [.. snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal)];

    /// <summary>FNV-1a over the device and the node: stable across processes, unlike string.GetHashCode.</summary>
    private static ulong Rank(string deviceId, string node)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in deviceId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ '|') * 1099511628211UL;
        foreach (var c in node)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        // A final mix, so nodes whose addresses differ only in the port still rank devices independently.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }
}
