using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SettingControl.Host.Security;

/// <summary>
/// Slows password guessing with ASP.NET Core's own rate limiters (System.Threading.RateLimiting): a
/// permit is taken before the password is checked, atomically, so parallel attempts cannot slip past
/// the count. Two fixed windows must both have a permit:
/// <list type="bullet">
/// <item>per address and account: <see cref="SecurityOptions.FailedSignInsBeforeLockout"/> attempts per
/// <see cref="SecurityOptions.LockoutSeconds"/>. A stranger who guesses at the admin's password locks out only
/// themselves: the admin signs in from their own tablet as usual.</item>
/// <item>per address: four times as many, whatever the account (a front desk shares one address), so one
/// machine cannot spray guesses over every account.</item>
/// </list>
/// Idle partitions are dropped by the limiter itself (after about ten seconds with a full window), so the
/// keys a flood of made-up usernames creates do not stay in memory.
/// </summary>
public sealed class SignInLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<SignInAttempt> _limiter;
    private readonly TimeSpan _window;

    public SignInLimiter(IOptions<SecurityOptions> options)
    {
        var perAccount = Math.Max(1, options.Value.FailedSignInsBeforeLockout);
        _window = TimeSpan.FromSeconds(Math.Max(1, options.Value.LockoutSeconds));
        FixedWindowRateLimiterOptions Window(int permits) => new()
        {
            PermitLimit = permits,
            Window = _window,
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<SignInAttempt, string>(a =>
                RateLimitPartition.GetFixedWindowLimiter(a.AddressKey + "|" + a.Username.ToLowerInvariant(), _ => Window(perAccount))),
            PartitionedRateLimiter.Create<SignInAttempt, string>(a =>
                RateLimitPartition.GetFixedWindowLimiter(a.AddressKey, _ => Window(perAccount * 4))));
    }

    /// <summary>Takes a permit for one password check: null when it may go ahead, else how long to wait.</summary>
    public TimeSpan? TryAcquire(IPAddress? address, string username)
    {
        using var lease = _limiter.AttemptAcquire(new SignInAttempt(KeyOf(address), username));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : _window;
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>
    /// The address a limit applies to. An IPv6 host can pick any address in its /64 at will, so the /64 is
    /// one address here; IPv4 (also when mapped into IPv6) is the address itself.
    /// </summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    private sealed record SignInAttempt(string AddressKey, string Username);
}
