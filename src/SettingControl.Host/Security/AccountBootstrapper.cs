using Microsoft.Extensions.Options;
using SettingControl.Contracts;

namespace SettingControl.Host.Security;

/// <summary>
/// At start (after the silo): creates the first admin from configuration when one is given, otherwise
/// prints a one-time setup token while no admin exists; in demo mode creates the demo accounts and
/// says how to sign in (<see cref="DemoSignIn"/>, printed last by the start-up summary). There is never a default
/// password: the demo one is made once per data directory and kept there, so a restart signs nobody out.
/// </summary>
public sealed class AccountBootstrapper(
    IGrainFactory grains,
    AccountService accounts,
    SetupToken setupToken,
    DemoMode demoMode,
    IOptions<SetupOptions> setup,
    IOptions<DemoOptions> demo,
    IOptions<StorageOptions> storage,
    ILogger<AccountBootstrapper> logger) : IHostedService
{
    /// <summary>The demo password, kept in the data directory (0600) across restarts.</summary>
    public const string DemoPasswordFile = "demo-password";

    /// <summary>The demo accounts, one per role, created with <c>--simulate</c>.</summary>
    public static readonly IReadOnlyList<(string Username, Role Role)> DemoAccounts =
    [
        ("therapist", Role.Therapist),
        ("staff", Role.Staff),
        ("admin", Role.Admin),
        ("observer", Role.Observer),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key);
        if (setup.Value.AdminPassword is { Length: > 0 } adminPassword && !await accounts.AdminExistsAsync())
        {
            var errors = AccountService.ValidateCredentials(setup.Value.AdminUsername, adminPassword);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("Setup:AdminUsername / Setup:AdminPassword: " + string.Join(" ", errors.Values.SelectMany(e => e)));
            }

            await store.CreateFirstAdmin(accounts.NewUser(setup.Value.AdminUsername, adminPassword, Role.Admin, []));
            accounts.Invalidate();
            logger.LogInformation("Created the first admin account '{Username}' from configuration", setup.Value.AdminUsername);
        }

        if (demoMode.IsOn)
        {
            var password = demo.Value.Password is { Length: >= AccountService.MinimumPasswordLength } configured ? configured : KeptDemoPassword();
            var known = (await store.Get()).Users;
            foreach (var (username, role) in DemoAccounts)
            {
                // An account that still has this password and role is left as it is: a new record would carry a new
                // security stamp, and every tablet signed in with the old one would be signed out by the restart.
                var existing = known.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
                if (existing is not null && existing.Role == role && (existing.Disabled || await accounts.CheckPasswordAsync(username, password) is not null))
                {
                    continue;
                }

                await store.UpsertUser(await Task.Run(() => accounts.NewUser(username, password, role, []), cancellationToken));
            }

            accounts.Invalidate();
            DemoSignIn = $"Demo sign-in: {string.Join(", ", DemoAccounts.Select(a => $"'{a.Username}' ({a.Role})"))} with password {password}" +
                (demo.Value.Password is { Length: >= AccountService.MinimumPasswordLength } ? " (from configuration)" : $" (kept in {Path.Combine(storage.Value.DataDirectory, DemoPasswordFile)}; for demos only)");
        }

        if (!await accounts.AdminExistsAsync())
        {
            var token = setupToken.Issue();
            logger.LogWarning(
                "No admin account exists yet. Open the dashboard and create the first admin with setup token {SetupToken} (valid until used or the host restarts)",
                token);
        }
    }

    /// <summary>How to sign in to the demo, once the accounts exist; null outside demo mode.</summary>
    public string? DemoSignIn { get; private set; }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string KeptDemoPassword()
    {
        var path = Path.Combine(storage.Value.DataDirectory, DemoPasswordFile);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= AccountService.MinimumPasswordLength } kept)
        {
            return kept;
        }

        var password = AccountService.NewPassword();
        SettingControl.Mqtt.Security.SecretFiles.WriteAllText(path, password);
        return password;
    }
}
