using System.Collections.Concurrent;
using SettingControl.Contracts;
using SettingControl.Contracts.Storage;
using SettingControl.Grains;
using SettingControl.Host.Security;

namespace SettingControl.Host.Services;

/// <summary>
/// Reads session records for the REST API and the hub, and knows which ones exist. A session id that was
/// never started, or whose room the caller may not read, is "not found" without a record grain being
/// activated for it. Which ids exist is kept in memory, loaded at start from <see cref="ISessionDirectoryGrain"/>.
/// </summary>
public sealed class SessionRecords(IGrainFactory grains, IJournalReader journal, IStoredStateIndex stored, ILogger<SessionRecords> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, string> _roomOfSession = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile bool _loaded;

    private ISessionDirectoryGrain Directory => grains.GetGrain<ISessionDirectoryGrain>(ISessionDirectoryGrain.Key);

    /// <summary>
    /// The record when it exists and <paramref name="access"/> may read its room (<see cref="Access.CanReadRecordsOf"/>);
    /// otherwise null, the same answer for both, so a caller cannot tell another room's session from none.
    /// </summary>
    public async Task<SessionRecordDto?> ReadAsync(string? sessionId, Access access)
    {
        await EnsureLoadedAsync();
        if (sessionId is null || !Domain.Identifiers.IsValid(sessionId))
        {
            return null;
        }

        var roomId = _roomOfSession.TryGetValue(sessionId, out var listed) ? listed : await FindStoredAsync(sessionId);
        if (roomId is null || !access.CanReadRecordsOf(roomId))
        {
            return null;
        }

        var record = await grains.GetGrain<ISessionRecordGrain>(sessionId).Get();
        return record is not null && access.CanReadRecordsOf(record.RoomId) ? record : null;
    }

    /// <summary>
    /// Notes a session a room has just started. It is readable at once (memory); if storing the directory
    /// fails, the next start finds the session again as its room's current one.
    /// </summary>
    public async Task RegisterAsync(string sessionId, string roomId)
    {
        // The session has started whatever happens here: this never fails the command that started it.
        if (!_roomOfSession.TryAdd(sessionId, roomId))
        {
            return;
        }

        try
        {
            await Directory.Add(new Dictionary<string, string> { [sessionId] = roomId });
        }
        catch (Exception ex)
        {
            logger.LogWarning("Session {SessionId} started, but the list of session records could not be stored: {Reason}", sessionId, ex.Message);
        }
    }

    /// <summary>
    /// A record the list does not name (its listing failed, or it was written before the list existed) is found in
    /// storage itself, by key, without activating a grain: its journal stream, or a record stored whole by an
    /// earlier version (grain type "sessionrecord", state "record"). Found, it is listed from then on.
    /// </summary>
    private async Task<string?> FindStoredAsync(string sessionId)
    {
        var roomId = SessionJournal.Read(await journal.ReadAsync(sessionId), earlier: null)?.RoomId;
        if (roomId is null && await stored.HasStateAsync(GrainId.Create("sessionrecord", sessionId).ToString(), "record"))
        {
            roomId = (await grains.GetGrain<ISessionRecordGrain>(sessionId).Get())?.RoomId;
        }

        if (roomId is not null)
        {
            await RegisterAsync(sessionId, roomId);
        }

        return roomId;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureLoadedAsync();
        }
        catch (Exception ex)
        {
            // Not fatal: records are then "not found" until the list can be read; the next call tries again.
            logger.LogWarning("The list of session records could not be read at start; trying again on first use: {Reason}", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async ValueTask EnsureLoadedAsync()
    {
        if (_loaded)
        {
            return;
        }

        await _loading.WaitAsync();
        try
        {
            if (_loaded)
            {
                return;
            }

            foreach (var (sessionId, roomId) in await Directory.List())
            {
                _roomOfSession.TryAdd(sessionId, roomId);
            }

            // Each room's current (or last) session, in case the host stopped between starting it and listing
            // it; this also lists, once, the last session of each room in a database from before the list existed.
            var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
            var snapshots = await Task.WhenAll(rooms.Select(r => grains.GetGrain<IRoomGrain>(r.RoomId).GetSnapshot().AsTask()));
            var missing = snapshots
                .Where(s => s?.Session is { } session && !_roomOfSession.ContainsKey(session.SessionId))
                .ToDictionary(s => s!.Session!.SessionId, s => s!.RoomId, StringComparer.Ordinal);
            if (missing.Count > 0)
            {
                await Directory.Add(missing);
                foreach (var (sessionId, roomId) in missing)
                {
                    _roomOfSession.TryAdd(sessionId, roomId);
                }
            }

            _loaded = true;
        }
        finally
        {
            _loading.Release();
        }
    }
}
