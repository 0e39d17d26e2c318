using System.Collections.Frozen;
using System.Diagnostics;
using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// The facility's room ids, kept in memory so that a request or hub call naming a room that does not exist
/// is answered 404 without activating a room grain for it (each would stay in memory until collected).
/// Loaded at start, reloaded whenever staff create or retire a room (<see cref="RefreshAsync"/>), and on a miss at most
/// once a second (another node may have made the room).
/// </summary>
public sealed class KnownRooms(IGrainFactory grains) : IHostedService
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

        // Another node of a cluster may have created the room since this one last read the registry: a miss reads
        // it again, at most once a second, so made-up ids cost one registry read a second, never a room grain.
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _loadedAt)) < MissReloadEvery)
        {
            return false;
        }

        return (await LoadAsync(onlyIfMissing: false)).Contains(roomId!);
    }

    private static readonly TimeSpan MissReloadEvery = TimeSpan.FromSeconds(1);

    private long _loadedAt = Stopwatch.GetTimestamp();

    /// <summary>Reads the registry again; call after it changed, before answering, so the next request sees the change.</summary>
    public Task RefreshAsync() => LoadAsync(onlyIfMissing: false);

    public Task StartAsync(CancellationToken cancellationToken) => RefreshAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<FrozenSet<string>> LoadAsync(bool onlyIfMissing)
    {
        await _loading.WaitAsync();
        try
        {
            if (onlyIfMissing && _rooms is { } loaded)
            {
                return loaded;
            }

            var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
            Interlocked.Exchange(ref _loadedAt, Stopwatch.GetTimestamp());
            return _rooms = rooms.Select(r => r.RoomId).ToFrozenSet(StringComparer.Ordinal);
        }
        finally
        {
            _loading.Release();
        }
    }
}
