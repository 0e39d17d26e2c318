using System.Collections.Frozen;
using System.Diagnostics;
using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// The facility's room ids, kept in memory so that a request or hub call naming a room that does not exist
/// is answered 404 without activating a room grain for it (each would stay in memory until collected).
/// Loaded at start, reloaded whenever staff create or retire a room (<see cref="RefreshAsync"/>), and in a cluster on
/// a miss, at most once a second (another node may have made the room).
/// </summary>
public sealed class KnownRooms(IGrainFactory grains, IConfiguration config) : IHostedService
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile FrozenSet<string>? _rooms;

    public async ValueTask<bool> ContainsAsync(string? roomId)
    {
        if (!Domain.Identifiers.IsValid(roomId))
        {
            return false;
        }

        var rooms = _rooms ?? await LoadAsync(onlyIfMissing: true);
        if (rooms.Contains(roomId!))
        {
            return true;
        }

        // A single node made every room itself, so its list is the whole truth.
        if (!_clustered)
        {
            return false;
        }

        // Another node of a cluster may have created the room since this one last read the registry: a miss reads
        // it again. Misses wait for one shared read at most once a second, so made-up ids cost one registry read a
        // second (and a miss up to a second's wait), never a room grain.
        var missedAt = Stopwatch.GetTimestamp();
        var sinceLoad = Stopwatch.GetElapsedTime(Interlocked.Read(ref _loadedAt));
        if (sinceLoad < MissReloadEvery)
        {
            await Task.Delay(MissReloadEvery - sinceLoad);
        }

        return (await LoadAsync(onlyIfMissing: false, unlessLoadedAfter: missedAt)).Contains(roomId!);
    }

    private static readonly TimeSpan MissReloadEvery = TimeSpan.FromSeconds(1);

    private readonly bool _clustered = ClusterProviders.IsPostgreSql(config);

    private long _loadedAt = Stopwatch.GetTimestamp();

    /// <summary>Every room of the facility; in a cluster read from the registry anew, since another node may have made one.</summary>
    public async ValueTask<IReadOnlySet<string>> AllAsync() =>
        _clustered ? await LoadAsync(onlyIfMissing: false) : _rooms ?? await LoadAsync(onlyIfMissing: true);

    /// <summary>Reads the registry again; call after it changed, before answering, so the next request sees the change.</summary>
    public Task RefreshAsync() => LoadAsync(onlyIfMissing: false);

    public Task StartAsync(CancellationToken cancellationToken) => RefreshAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<FrozenSet<string>> LoadAsync(bool onlyIfMissing, long? unlessLoadedAfter = null)
    {
        await _loading.WaitAsync();
        try
        {
            if ((onlyIfMissing || (unlessLoadedAfter is { } after && Interlocked.Read(ref _loadedAt) > after)) && _rooms is { } loaded)
            {
                return loaded;
            }

            var readAt = Stopwatch.GetTimestamp();
            var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
            Interlocked.Exchange(ref _loadedAt, readAt);
            return _rooms = rooms.Select(r => r.RoomId).ToFrozenSet(StringComparer.Ordinal);
        }
        finally
        {
            _loading.Release();
        }
    }
}
