using Microsoft.Extensions.Logging;
using SettingControl.Contracts.Storage;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// Writes a room's state together with its journal entries. Normally the room never runs ahead of storage: a write
/// that fails reads the state back (<see cref="WriteOrReload"/>). The one exception is a safety action (Lights up)
/// that already reached the devices: the room keeps it, runs ahead of storage (<see cref="Problem"/>) and retries
/// (<see cref="TryFlush"/>), with readiness (<see cref="RoomsAheadOfStorage"/>) and the Lights up latch told.
/// </summary>
internal sealed class RoomStorage
{
    private readonly string _roomId;
    private readonly IPersistentState<RoomState> _state;
    private readonly RoomsAheadOfStorage _ahead;
    private readonly ILightsUpLatch _latch;
    private readonly StorageFailureLog _failureLog;
    private readonly ILogger _logger;
    private readonly Action _statusChanged;
    private readonly Action _retryLater;
    private readonly Action _unreadable;

    /// <param name="failureLog">Shared with the commit pipeline's clock commits, so a full disk is logged once a minute, not per caller.</param>
    /// <param name="statusChanged">Called when the room falls behind storage or catches up: watchers must see it.</param>
    /// <param name="retryLater">Called after every failed flush: the room's clock must run to retry it.</param>
    /// <param name="unreadable">Called when storage cannot even be read back: the room must reload on its next call.</param>
    public RoomStorage(
        string roomId,
        IPersistentState<RoomState> state,
        RoomsAheadOfStorage ahead,
        ILightsUpLatch latch,
        StorageFailureLog failureLog,
        ILogger logger,
        Action statusChanged,
        Action retryLater,
        Action unreadable)
    {
        _roomId = roomId;
        _state = state;
        _ahead = ahead;
        _latch = latch;
        _failureLog = failureLog;
        _logger = logger;
        _statusChanged = statusChanged;
        _retryLater = retryLater;
        _unreadable = unreadable;
    }

    /// <summary>The room as it holds it now (replaced when read back from storage).</summary>
    public RoomState State => _state.State;

    /// <summary>Set while the room runs ahead of storage: why its state could not be stored. Null when in step.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// True after a write of this room failed, until one succeeds. While storage fails, a change is stored before the
    /// devices hear it, so a light does not jump to every refused level and back.
    /// </summary>
    public bool LastWriteFailed { get; private set; }

    /// <summary>
    /// Writes the state with its journal entries. If the write fails, the state is read back from storage, so the
    /// grain never runs ahead of what storage holds (the change and its record events are dropped together); if even
    /// that fails the activation is dropped and the next call reloads. Throws with the plain reason.
    /// </summary>
    public async Task WriteOrReload()
    {
        try
        {
            await Write();
        }
        catch (Exception ex)
        {
            var reason = StorageFailures.PlainReason(ex);
            _failureLog.Log(_roomId, ex, reason, "storing the change failed; the change is refused");
            var shown = _state.State.Version;
            try
            {
                await _state.ReadStateAsync();

                // Dashboards drop snapshots older than the last they saw: the reloaded room must not count backwards.
                _state.State.Version = Math.Max(shown, _state.State.Version) + 1;
            }
            catch (Exception readFailure)
            {
                _logger.LogError(readFailure, "Room {RoomId}: storage cannot be read either; the room will reload on its next call", _roomId);
                _unreadable();
            }

            throw new StorageUnavailableException(reason, ex);
        }
    }

    /// <summary>
    /// Stores what the room holds without ever undoing it: used while the room is ahead of storage. True when stored
    /// (the room is back in step, and watchers are told), false with <see cref="Problem"/> saying why.
    /// </summary>
    public async Task<bool> TryFlush()
    {
        try
        {
            await Write();
        }
        catch (Exception ex)
        {
            var reason = StorageFailures.PlainReason(ex);
            if (Problem != reason)
            {
                _logger.LogError(ex, "Room {RoomId}: the room's state could not be stored ({Reason}); it is kept in memory and retried", _roomId, reason);
                Problem = reason;
                _ahead.Ahead(_roomId, reason);
                if (_state.State.Room.LightsUp is { } up && !_latch.Hold(_roomId, new LatchedLightsUp(up.Since, up.By)))
                {
                    _logger.LogError("Room {RoomId}: the Lights up latch could not be written either; if the host stops now, the room's lights may dim when it restarts", _roomId);
                }
                _state.State.Version++;
                _statusChanged();
            }

            _retryLater();
            return false;
        }

        if (Problem is not null)
        {
            _logger.LogWarning("Room {RoomId}: storage works again; the room's state is stored", _roomId);
            Problem = null;
            _ahead.InStep(_roomId);
            _latch.Release(_roomId);
            _state.State.Version++;
            _statusChanged();
        }

        return true;
    }

    private async Task Write()
    {
        var carried = _state.State.UnsavedEntries.Count;
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            LastWriteFailed = true;
            throw;
        }

        LastWriteFailed = false;
        _state.State.ForgetSaved(carried);
    }
}
