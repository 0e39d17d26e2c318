namespace SettingControl.Contracts.Storage;

/// <summary>
/// One append-only entry of a journal stream (a session record is one stream). Entries are written together
/// with the grain state that produced them, in the same transaction, so a room change and its record event are
/// stored together or not at all; an entry is never rewritten.
/// </summary>
public sealed record JournalEntry(string Stream, long Sequence, string Kind, string Payload);

/// <summary>
/// A grain state whose writes carry journal entries. The storage provider stores <see cref="UnsavedEntries"/> in
/// the transaction that stores the state; the grain forgets them once that write has returned.
/// </summary>
public interface IJournaledState
{
    IReadOnlyList<JournalEntry> UnsavedEntries { get; }
}

/// <summary>Reads a journal stream back in the order it was written.</summary>
public interface IJournalReader
{
    Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, CancellationToken cancellationToken = default);
}

/// <summary>Whether storage holds a grain's state, asked without activating the grain (ids a caller made up cost nothing).</summary>
public interface IStoredStateIndex
{
    Task<bool> HasStateAsync(string grainId, string stateName, CancellationToken cancellationToken = default);
}

/// <summary>
/// Storage refused a write (disk full, read-only file system, database gone). <see cref="PlainReason"/> is fit for
/// a clinical screen ("the disk is full"); the inner exception keeps the technical detail for the log.
/// </summary>
public sealed class StorageUnavailableException(string plainReason, Exception? inner = null)
    : Exception($"Storage refused the write: {plainReason}.", inner)
{
    public string PlainReason { get; } = plainReason;
}

/// <summary>What storage last said about writing: null while writes succeed.</summary>
public sealed record StorageWriteProblem(string PlainReason, DateTimeOffset Since);

/// <summary>
/// Which rooms are running ahead of storage (holding a Lights up that could not be stored). Readiness asks it, so a
/// host is not "ready" while any room's state lives only in memory, even if a small probe write succeeds.
/// </summary>
public sealed class RoomsAheadOfStorage
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _rooms = new(StringComparer.Ordinal);

    public int Count => _rooms.Count;

    public void Ahead(string roomId, string reason) => _rooms[roomId] = reason;

    public void InStep(string roomId) => _rooms.TryRemove(roomId, out _);
}

/// <summary>A Lights up that could not be stored: when it was pressed and by whom.</summary>
public sealed record LatchedLightsUp(DateTimeOffset Since, string By);

/// <summary>
/// The last line of defence for Lights up when storage fails: a small file, allocated in full while the disk still
/// had room, that notes which rooms hold a Lights up their storage could not save. Overwriting it needs no new
/// space, so it works on a full disk; a host restarted after a crash puts those rooms back into Lights up rather
/// than dimming their lights to the last stored state.
/// </summary>
public interface ILightsUpLatch
{
    /// <summary>Notes the room's unsaved Lights up; false when even the latch could not be written.</summary>
    bool Hold(string roomId, LatchedLightsUp lightsUp);

    void Release(string roomId);

    LatchedLightsUp? Find(string roomId);
}
