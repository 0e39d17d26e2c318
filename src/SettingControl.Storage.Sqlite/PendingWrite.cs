using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

/// <summary>One grain's state write waiting for the group commit, with the journal entries it carries.</summary>
/// <param name="expectedEtag">Null for a state not stored yet; otherwise the ETag the stored row must still have.</param>
/// <param name="done">Completes once the batch holding this write has committed: true when stored, false when refused for its ETag.</param>
internal sealed class PendingWrite(string grainId, string stateName, long? expectedEtag, string payload, JournalEntry[] entries, TaskCompletionSource<bool> done)
{
    public JournalEntry[] Entries { get; } = entries;

    public string GrainId { get; } = grainId;

    public string StateName { get; } = stateName;

    public long? ExpectedEtag { get; } = expectedEtag;

    public string Payload { get; } = payload;

    public TaskCompletionSource<bool> Done { get; } = done;

    public long NewEtag { get; set; }
}
