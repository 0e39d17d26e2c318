using System.Collections.Frozen;
using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// The facility's room ids, kept in memory so that a request or hub call naming a room that does not exist
/// is answered 404 without activating a room grain for it (each would stay in memory until collected).
/// Loaded at start and reloaded whenever staff create or retire a room (<see cref="RefreshAsync"/>).
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
        return rooms.Contains(roomId!);
    }

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
            return _rooms = rooms.Select(r => r.RoomId).ToFrozenSet(StringComparer.Ordinal);
        }
        finally
        {
            _loading.Release();
        }
    }
}
