using System.Collections.Concurrent;

namespace SettingControl.Host.Services;

/// <summary>
/// Logs refused calls (unknown rooms and sessions, hub calls the caller may not make) briefly and at most
/// once a minute per kind, with how many were left out since: anyone signed in can make thousands of
/// refused calls, and each must not cost a log line. The counts themselves are in /api/diagnostics.
/// </summary>
public sealed class RefusalLog(ILogger<RefusalLog> logger, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>What a caller sent is cut to this many characters in a log line.</summary>
    public const int MaxValueLength = 80;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>An unknown room or session (a 404, or the hub's "does not exist").</summary>
    public void NotFound(string what, string? id) => Refused("Not found", $"{what} '{Shorten(id)}'");

    /// <summary>A hub call that was refused (not allowed, not found, or invalid).</summary>
    public void HubCallRefused(string method, string reason) => Refused("Hub call refused", $"{Shorten(method)}: {Shorten(reason)}");

    private void Refused(string kind, string detail)
    {
        var window = _windows.GetOrAdd(kind, _ => new Window());
        var now = time.GetUtcNow();
        long leftOut;
        lock (window)
        {
            if (window.LoggedAt is { } last && now - last < Interval)
            {
                window.LeftOut++;
                return;
            }

            leftOut = window.LeftOut;
            window.LoggedAt = now;
            window.LeftOut = 0;
        }

        logger.LogInformation("{Kind}: {Detail} ({LeftOut} more refused in the minute before, not logged one by one)", kind, detail, leftOut);
    }

    /// <summary>A caller's value, cut short and with control characters (newlines) made visible, so it cannot forge or flood lines.</summary>
    public static string Shorten(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var cut = value.Length > MaxValueLength ? value[..MaxValueLength] + "…" : value;
        return string.Create(cut.Length, cut, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    private sealed class Window
    {
        public DateTimeOffset? LoggedAt { get; set; }

        public long LeftOut { get; set; }
    }
}
