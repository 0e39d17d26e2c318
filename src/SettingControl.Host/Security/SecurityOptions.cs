namespace SettingControl.Host.Security;

/// <summary>Configuration section <c>Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Origins (scheme://host:port) other than the host's own that may open the hub or send changes with
    /// the sign-in cookie, e.g. a kiosk page served elsewhere. Empty by default: same origin only.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Sign-in attempts (password checks) for one account from one address per <see cref="LockoutSeconds"/>;
    /// one address gets four times as many over all accounts. Further attempts get 429 (see <see cref="SignInLimiter"/>).
    /// </summary>
    public int FailedSignInsBeforeLockout { get; set; } = 5;

    /// <summary>The length of the sign-in rate-limit window.</summary>
    public int LockoutSeconds { get; set; } = 60;

    /// <summary>How long a tablet stays signed in without use (sliding).</summary>
    public int SessionHours { get; set; } = 12;

    public TimeSpan SessionLifetime => TimeSpan.FromHours(Math.Max(1, SessionHours));
}

/// <summary>Configuration section <c>Setup</c>: the first admin from configuration instead of the one-time setup token.</summary>
public sealed class SetupOptions
{
    public const string Section = "Setup";

    public string AdminUsername { get; set; } = "admin";

    /// <summary>When set and no admin exists yet, the first admin is created with this password at start.</summary>
    public string? AdminPassword { get; set; }
}

/// <summary>
/// Configuration section <c>Demo</c>. Demo mode is on with <c>--simulate N</c> (or <c>Demo:Enabled=true</c>):
/// it creates demo accounts and prints their passwords, and accepts <see cref="ApiKey"/> as an admin key.
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool? Enabled { get; set; }

    /// <summary>For scripts and tests: accepted as an admin API key (<c>Authorization: Bearer …</c>) in demo mode only.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The demo accounts' password; a fresh random one is made at every start when not given.</summary>
    public string? Password { get; set; }
}
