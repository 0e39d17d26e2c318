using Microsoft.Extensions.Options;
using SettingControl.Contracts;

namespace SettingControl.Host.Security;

/// <summary>
/// At start (after the silo): creates the first admin from configuration when one is given, otherwise
/// prints a one-time setup token while no admin exists; in demo mode creates the demo accounts and
/// prints their credentials. There is never a default password.
/// </summary>
public sealed class AccountBootstrapper(
    IGrainFactory grains,
    AccountService accounts,
    SetupToken setupToken,
    DemoMode demoMode,
    IOptions<SetupOptions> setup,
    IOptions<DemoOptions> demo,
    ILogger<AccountBootstrapper> logger) : IHostedService
{
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
            var password = demo.Value.Password is { Length: >= AccountService.MinimumPasswordLength } configured ? configured : AccountService.NewPassword();
            var users = await Task.WhenAll(DemoAccounts.Select(a => Task.Run(() => accounts.NewUser(a.Username, password, a.Role, []), cancellationToken)));
            foreach (var user in users)
            {
                await store.UpsertUser(user);
            }

            accounts.Invalidate();
            logger.LogWarning(
                "Demo mode: sign in as {Accounts} with password {Password} (new at every start; for demos only)",
                string.Join(", ", DemoAccounts.Select(a => $"'{a.Username}' ({a.Role})")),
                password);
        }

        if (!await accounts.AdminExistsAsync())
        {
            var token = setupToken.Issue();
            logger.LogWarning(
                "No admin account exists yet. Open the dashboard and create the first admin with setup token {SetupToken} (valid until used or the host restarts)",
                token);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
