using SettingControl.Contracts;

namespace SettingControl.Grains.Tests;

/// <summary>A room observer that keeps every snapshot it was pushed, for a test to wait on.</summary>
public sealed class RoomWatcher : IRoomObserver
{
    private readonly List<RoomSnapshot> _seen = [];
    private readonly SemaphoreSlim _signal = new(0);

    public void RoomChanged(RoomSnapshot snapshot)
    {
        lock (_seen)
        {
            _seen.Add(snapshot);
        }

        _signal.Release();
    }

    public async Task<RoomSnapshot> WaitFor(Func<RoomSnapshot, bool> predicate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (_seen)
            {
                if (_seen.FirstOrDefault(predicate) is { } match)
                {
                    return match;
                }
            }

            await _signal.WaitAsync(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException("The watcher never saw the expected snapshot.");
    }
}
