using SettingControl.Contracts.Storage;
using SettingControl.Domain.Sessions;

namespace SettingControl.Grains;

/// <summary>
/// What a room persists: that it exists, its devices, its program and session, and who changed it last. Its session
/// record entries ride on the same write (<see cref="IJournaledState"/>), so a change and its record event are
/// stored together or not at all.
/// </summary>
public sealed class RoomState : IJournaledState
{
    private readonly List<JournalEntry> _unsaved = [];

    public bool Provisioned { get; set; }

    public string Name { get; set; } = string.Empty;

    public List<AssignedDevice> Devices { get; set; } = [];

    /// <summary>The light program (targets and fades), the session with its clock and reminders, and Lights up.</summary>
    public TreatmentRoom Room { get; set; } = new();

    public int LastTransitionMs { get; set; }

    /// <summary>Increases with every change a dashboard can see, so clients can order snapshots.</summary>
    public long Version { get; set; }

    public RecordedChange? LastChange { get; set; }

    /// <summary>The last journal sequence number this room used; stored with the state, so numbers never repeat.</summary>
    public long JournalSequence { get; set; }

    /// <summary>Record entries made since the last successful write (read-only, so never serialised into the state).</summary>
    public IReadOnlyList<JournalEntry> UnsavedEntries => _unsaved;

    public void Journal(string stream, string kind, string payload) =>
        _unsaved.Add(new JournalEntry(stream, ++JournalSequence, kind, payload));

    /// <summary>Called after a write that carried the first <paramref name="count"/> entries returned.</summary>
    public void ForgetSaved(int count) => _unsaved.RemoveRange(0, Math.Min(count, _unsaved.Count));
}

public sealed record AssignedDevice(string DeviceId, SettingControl.Domain.DeviceKind Kind);

public sealed record RecordedChange(string By, string What, DateTimeOffset At);
