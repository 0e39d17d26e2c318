using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SettingControl.Contracts;

namespace SettingControl.Host.Security;

/// <summary>
/// Accounts and API keys for the host: hashing and checking secrets, and a short-lived cache of the
/// accounts grain so every request can be checked against the current accounts without a grain call.
/// </summary>
public sealed class AccountService(IGrainFactory grains, TimeProvider clock, IOptions<DemoOptions> demo, DemoMode demoMode)
{
    public const string KindClaim = "sc:kind";
    public const string StampClaim = "sc:stamp";
    public const string KeyIdClaim = "sc:key";

    /// <summary>Names one sign-in (one cookie and its renewals), so signing out can refuse that cookie server-side.</summary>
    public const string SessionClaim = "sc:session";
    public const string DemoKeyName = "demo-api-key";
    public const int MinimumPasswordLength = 10;
    public const int MaxUsernameLength = 64;
    private const string KeyPrefix = "sck_";

    // Another silo's change shows here within this long; this host's own changes show at once.
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(2);

    private readonly PasswordHasher<UserRecord> _hasher = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private AccountsSnapshot? _cached;
    private long _cachedAt;

    private IAccountsGrain Grain => grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key);

    public async ValueTask<AccountsSnapshot> SnapshotAsync()
    {
        var cached = _cached;
        if (cached is not null && clock.GetElapsedTime(Volatile.Read(ref _cachedAt)) < CacheLifetime)
        {
            return cached;
        }

        await _refresh.WaitAsync();
        try
        {
            if (_cached is not null && clock.GetElapsedTime(Volatile.Read(ref _cachedAt)) < CacheLifetime)
            {
                return _cached;
            }

            _cached = await Grain.Get();
            Volatile.Write(ref _cachedAt, clock.GetTimestamp());
            return _cached;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Invalidate() => _cached = null;

    public async Task<bool> AdminExistsAsync() => (await SnapshotAsync()).Users.Any(u => u.Role == Role.Admin && !u.Disabled);

    /// <summary>The account for a name and password, or null (unknown, wrong password or disabled: the caller does not learn which).</summary>
    public async Task<UserRecord?> CheckPasswordAsync(string username, string password)
    {
        var user = (await SnapshotAsync()).Users.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        if (user is null)
        {
            // Spend the same time as a real check so response timing does not reveal which names exist.
            _hasher.VerifyHashedPassword(DummyUser, DummyHash, password);
            return null;
        }

        var result = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        return result == PasswordVerificationResult.Failed || user.Disabled ? null : user;
    }

    public UserRecord NewUser(string username, string password, Role role, IReadOnlyList<string>? rooms)
    {
        var user = new UserRecord(username, role, string.Empty, rooms ?? [], false, clock.GetUtcNow(), NewStamp());
        return user with { PasswordHash = _hasher.HashPassword(user, password) };
    }

    public UserRecord WithPassword(UserRecord user, string password)
    {
        var changed = user with { SecurityStamp = NewStamp() };
        return changed with { PasswordHash = _hasher.HashPassword(changed, password) };
    }

    /// <summary>Errors in a new account's name or password, by field; empty when both are acceptable.</summary>
    public static Dictionary<string, string[]> ValidateCredentials(string? username, string? password, bool requireUsername = true)
    {
        var errors = new Dictionary<string, string[]>();
        if (requireUsername && (string.IsNullOrWhiteSpace(username) || username.Length > MaxUsernameLength || !username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@')))
        {
            errors["username"] = ["A username is 1–64 letters, digits, '.', '-', '_' or '@'."];
        }

        if (password is null || password.Length < MinimumPasswordLength)
        {
            errors["password"] = [$"A password has at least {MinimumPasswordLength} characters."];
        }
        else if (password.Length > 256)
        {
            errors["password"] = ["A password has at most 256 characters."];
        }

        return errors;
    }

    /// <summary>Makes a key: the record to store (with the secret's hash) and the token to show once.</summary>
    public (ApiKeyRecord Record, string Token) NewApiKey(string name, Role role, string createdBy)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord(keyId, name, role, HashSecret(secret), createdBy, clock.GetUtcNow(), null);
        return (record, $"{KeyPrefix}{keyId}_{secret}");
    }

    /// <summary>Who a bearer token belongs to (null when unknown, malformed or revoked) and, for a stored key (not the demo key), its id.</summary>
    private async ValueTask<(Access? Access, string? KeyId)> ResolveTokenAsync(string token)
    {
        if (demoMode.IsOn && demo.Value.ApiKey is { Length: >= 16 } demoKey && FixedTimeEquals(token, demoKey))
        {
            return (new Access(Access.KeyKind, DemoKeyName, Role.Admin, []), null);
        }

        if (!token.StartsWith(KeyPrefix, StringComparison.Ordinal) || token.Length > 200)
        {
            return (null, null);
        }

        var rest = token.AsSpan(KeyPrefix.Length);
        var split = rest.IndexOf('_');
        if (split <= 0)
        {
            return (null, null);
        }

        var keyId = rest[..split].ToString();
        var secret = rest[(split + 1)..].ToString();
        var key = (await SnapshotAsync()).Keys.FirstOrDefault(k => k.KeyId == keyId);
        if (key is null || key.RevokedAt is not null || !FixedTimeEquals(HashSecret(secret), key.SecretHash))
        {
            return (null, null);
        }

        return (new Access(Access.KeyKind, key.Name, key.Role, []), keyId);
    }

    /// <summary>The current access of a signed-in principal: null when its account or key no longer allows it.</summary>
    public async ValueTask<Access?> CurrentAsync(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var name = principal.Identity.Name ?? string.Empty;
        switch (principal.FindFirstValue(KindClaim))
        {
            case Access.UserKind:
                var snapshot = await SnapshotAsync();
                var user = snapshot.Users.FirstOrDefault(u => string.Equals(u.Username, name, StringComparison.OrdinalIgnoreCase));

                // A cookie with no session id (made before sign-out was revocable) cannot be revoked, so it is not accepted.
                var session = principal.FindFirstValue(SessionClaim);
                return user is null || user.Disabled || user.SecurityStamp != principal.FindFirstValue(StampClaim) ||
                       session is null || snapshot.SignedOutSessions.ContainsKey(session)
                    ? null
                    : new Access(Access.UserKind, user.Username, user.Role, user.Rooms);
            case Access.KeyKind:
                if (name == DemoKeyName && principal.FindFirstValue(KeyIdClaim) is null)
                {
                    return demoMode.IsOn ? new Access(Access.KeyKind, DemoKeyName, Role.Admin, []) : null;
                }

                var key = (await SnapshotAsync()).Keys.FirstOrDefault(k => k.KeyId == principal.FindFirstValue(KeyIdClaim));
                return key is null || key.RevokedAt is not null ? null : new Access(Access.KeyKind, key.Name, key.Role, []);
            default:
                return null;
        }
    }

    /// <summary>A new sign-in of <paramref name="user"/>, with a session id of its own.</summary>
    public static ClaimsPrincipal PrincipalFor(UserRecord user, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Name, user.Username),
        new Claim(ClaimTypes.Role, user.Role.ToString()),
        new Claim(KindClaim, Access.UserKind),
        new Claim(StampClaim, user.SecurityStamp),
        new Claim(SessionClaim, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
    ], scheme));

    /// <summary>
    /// Signs out one session for good: its cookie, and any copy of it, is refused from now on. The entry is kept
    /// as long as a cookie of that session could still be valid (its sliding lifetime from now).
    /// </summary>
    public async Task SignOutSessionAsync(ClaimsPrincipal principal, TimeSpan cookieLifetime)
    {
        if (principal.FindFirstValue(KindClaim) != Access.UserKind || principal.FindFirstValue(SessionClaim) is not { } session)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await Grain.SignOutSession(session, now + cookieLifetime, now);
        Invalidate();
    }

    /// <summary>Who a principal is, for grouping its hub connections: "user:ana", "key:&lt;id&gt;".</summary>
    public static string PrincipalKeyOf(ClaimsPrincipal principal) => principal.FindFirstValue(KindClaim) switch
    {
        Access.UserKind => "user:" + (principal.Identity?.Name ?? string.Empty).ToLowerInvariant(),
        Access.KeyKind => "key:" + (principal.FindFirstValue(KeyIdClaim) ?? principal.Identity?.Name ?? string.Empty),
        _ => "unknown",
    };

    public async Task<ClaimsPrincipal?> PrincipalForTokenAsync(string token, string scheme)
    {
        var (access, keyId) = await ResolveTokenAsync(token);
        if (access is null)
        {
            return null;
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, access.Name),
            new(ClaimTypes.Role, access.Role.ToString()),
            new(KindClaim, Access.KeyKind),
        };

        // No key id marks the demo key (see CurrentAsync).
        if (keyId is not null)
        {
            claims.Add(new Claim(KeyIdClaim, keyId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static UserDto ToDto(UserRecord u) => new(u.Username, u.Role, u.Rooms, u.Disabled, u.CreatedAt);

    public static ApiKeyDto ToDto(ApiKeyRecord k) => new(k.KeyId, k.Name, k.Role, k.CreatedBy, k.CreatedAt, k.RevokedAt);

    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(12));

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    // Key secrets are 256 random bits, so one SHA-256 is enough (a slow password hash would cost every API call).
    private static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static readonly UserRecord DummyUser = new("-", Role.Observer, string.Empty, [], true, DateTimeOffset.UnixEpoch, string.Empty);
    private static readonly string DummyHash = new PasswordHasher<UserRecord>().HashPassword(DummyUser, "not-a-password");
}

/// <summary>Whether the host runs in demo mode (<c>--simulate N</c> or <c>Demo:Enabled</c>).</summary>
public sealed class DemoMode(IConfiguration configuration)
{
    public bool IsOn { get; } =
        configuration.GetValue<bool?>("Demo:Enabled") ?? configuration.GetValue<int>("Simulation:Rooms") > 0;
}
