namespace SettingControl.Host.Services;

/// <summary>Counts refused API and hub calls (bad input, unknown rooms), so rejections are visible, not silent.</summary>
public sealed class ApiCounters
{
    private long _rejectedInvalid;
    private long _rejectedNotFound;
    private long _rejectedMalformed;

    public void Invalid() => Interlocked.Increment(ref _rejectedInvalid);

    public void NotFound() => Interlocked.Increment(ref _rejectedNotFound);

    public void Malformed() => Interlocked.Increment(ref _rejectedMalformed);

    public object Snapshot() => new
    {
        rejectedInvalid = Interlocked.Read(ref _rejectedInvalid),
        rejectedNotFound = Interlocked.Read(ref _rejectedNotFound),
        rejectedMalformed = Interlocked.Read(ref _rejectedMalformed),
    };
}
