using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SettingControl.Host.Security;

/// <summary>
/// Slows password guessing: after a number of failed sign-ins for one account, or from one address,
/// further attempts are refused for a while (HTTP 429) whether or not the password is right.
/// </summary>
public sealed class SignInThrottle(IOptions<SecurityOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    private sealed record Failures(int Count, DateTimeOffset LastAt, DateTimeOffset? LockedUntil);

    /// <summary>How long until the account or address may try again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string username, string address)
    {
        var now = clock.GetUtcNow();
        var wait = new[] { AccountKey(username), AddressKey(address) }
            .Select(k => _failures.TryGetValue(k, out var f) && f.LockedUntil > now ? f.LockedUntil.Value - now : TimeSpan.Zero)
            .Max();
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string username, string address)
    {
        var now = clock.GetUtcNow();
        var limit = Math.Max(1, options.Value.FailedSignInsBeforeLockout);
        var lockout = TimeSpan.FromSeconds(Math.Max(1, options.Value.LockoutSeconds));
        foreach (var key in new[] { AccountKey(username), AddressKey(address) })
        {
            // An address gets more tries than an account: a front desk shares one address between people.
            var keyLimit = key.StartsWith("ip:", StringComparison.Ordinal) ? limit * 4 : limit;
            _failures.AddOrUpdate(
                key,
                _ => new Failures(1, now, keyLimit <= 1 ? now + lockout : null),
                (_, f) =>
                {
                    // Failures older than the lockout window are forgotten.
                    var count = now - f.LastAt > lockout * 5 ? 1 : f.Count + 1;
                    return new Failures(count, now, count >= keyLimit ? now + lockout : f.LockedUntil);
                });
        }
    }

    public void Succeeded(string username) => _failures.TryRemove(AccountKey(username), out _);

    private static string AccountKey(string username) => "user:" + username.ToLowerInvariant();

    private static string AddressKey(string address) => "ip:" + address;
}
