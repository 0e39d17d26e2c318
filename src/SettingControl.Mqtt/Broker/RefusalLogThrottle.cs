using System.Collections.Concurrent;

namespace SettingControl.Mqtt.Broker;

/// <summary>
/// A misbehaving client can send thousands of refused messages or connects a second: every one is counted, but each key
/// (an account, or an address and reason) gets at most one warning per interval, with the number left unlogged, so the
/// log stays readable. The keys are bounded: entries older than the interval are forgotten once there are many.
/// </summary>
internal sealed class RefusalLogThrottle(TimeSpan interval, int maxKeys = 1024)
{
    private readonly ConcurrentDictionary<string, (long LastLogged, int Suppressed)> _keys = new(StringComparer.Ordinal);

    public bool ShouldLog(string key, out int suppressed)
    {
        var now = Environment.TickCount64;
        if (_keys.Count >= maxKeys && !_keys.ContainsKey(key))
        {
            Forget(now);
            if (_keys.Count >= maxKeys)
            {
                // Still full of keys seen within the interval: a flood from many sources. Counted, not logged.
                suppressed = 0;
                return false;
            }
        }

        var log = false;
        var suppressedNow = 0;
        _keys.AddOrUpdate(
            key,
            _ =>
            {
                log = true;
                return (now, 0);
            },
            (_, entry) =>
            {
                if (now - entry.LastLogged >= interval.TotalMilliseconds)
                {
                    log = true;
                    suppressedNow = entry.Suppressed;
                    return (now, 0);
                }

                log = false;
                return (entry.LastLogged, entry.Suppressed + 1);
            });
        suppressed = suppressedNow;
        return log;
    }

    private void Forget(long now)
    {
        foreach (var (key, entry) in _keys)
        {
            if (now - entry.LastLogged >= interval.TotalMilliseconds)
            {
                _keys.TryRemove(key, out _);
            }
        }
    }
}
