namespace SettingControl.Contracts.Storage;

/// <summary>
/// Lets the host's health check ask grain storage whether it can serve, and why not, whichever provider stores the
/// grains (<c>Storage:Provider</c>).
/// </summary>
public interface IStorageHealth
{
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    /// <summary>Null while writes succeed; otherwise the plain reason the last write failed.</summary>
    StorageWriteProblem? LastWriteProblem { get; }
}
