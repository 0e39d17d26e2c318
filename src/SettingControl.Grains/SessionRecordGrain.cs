using SettingControl.Contracts;
using SettingControl.Contracts.Storage;

namespace SettingControl.Grains;

/// <summary>How records were stored before the journal: the whole record as one state. Read, never written.</summary>
public sealed class SessionRecordState
{
    public SessionRecordDto? Header { get; set; }

    public List<SessionEventDto> Events { get; set; } = [];

    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>
/// A session's record, read from its journal stream. The room writes the entries itself, in the same transaction
/// as the change they describe (<see cref="SessionJournal"/>), so nothing acknowledged is missing after a crash and
/// nothing unacknowledged is recorded.
/// </summary>
public sealed class SessionRecordGrain(
    [PersistentState("record", StorageNames.Default)] IPersistentState<SessionRecordState> earlier,
    IJournalReader journal) : Grain, ISessionRecordGrain
{
    public async Task<SessionRecordDto?> Get()
    {
        var entries = await journal.ReadAsync(this.GetPrimaryKeyString());
        var before = earlier.State.Header is { } header
            ? header with { EndedAt = earlier.State.EndedAt, Events = earlier.State.Events }
            : null;
        return SessionJournal.Read(entries, before);
    }
}
