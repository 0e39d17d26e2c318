namespace SettingControl.Contracts.Storage;

/// <summary>
/// Why writes are failing and since when, or null while they succeed. A failure for the reason already known keeps
/// its first moment, so "since" says how long the disk has been full rather than when a room last tried.
/// </summary>
public sealed class WriteProblemTracker(TimeProvider clock)
{
    private volatile StorageWriteProblem? _current;

    public WriteProblemTracker()
        : this(TimeProvider.System)
    {
    }

    public StorageWriteProblem? Current => _current;

    /// <summary>Records a failed write; true when it failed for the reason already known.</summary>
    public bool NoteFailure(string plainReason)
    {
        var known = _current is { } current && current.PlainReason == plainReason;
        if (!known)
        {
            _current = new StorageWriteProblem(plainReason, clock.GetUtcNow());
        }

        return known;
    }

    public void NoteSuccess() => _current = null;
}
