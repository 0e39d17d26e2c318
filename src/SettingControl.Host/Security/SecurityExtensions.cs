using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SettingControl.Host.Security;

public static class SecurityExtensions
{
    private const string SelectorScheme = "cookie-or-key";

    /// <summary>
    /// Cookie sign-in for the page, API keys (bearer) for scripts, role policies, the hub's per-call check,
    /// and the first-admin / demo-account bootstrap. Registered after the silo so the bootstrap can use grains.
    /// </summary>
    public static WebApplicationBuilder AddSettingControlSecurity(this WebApplicationBuilder builder, string dataDirectory)
    {
        var services = builder.Services;
        services.Configure<SecurityOptions>(builder.Configuration.GetSection(SecurityOptions.Section));
        services.Configure<SetupOptions>(builder.Configuration.GetSection(SetupOptions.Section));
        services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<DemoMode>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<SetupToken>();
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<HubConnections>();
        services.AddSingleton<SecurityCounters>();
        services.AddSingleton<IAuthorizationHandler, AccessRequirementHandler>();
        services.AddSingleton<AccountBootstrapper>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountBootstrapper>());

        // Sign-in cookies stay valid across restarts: the keys that protect them live in the data directory, or in
        // a cluster's database, so that every node accepts the cookies any node issued.
        var dataProtection = services.AddDataProtection().SetApplicationName("SettingControl");
        if (ClusterProviders.IsPostgreSql(builder.Configuration))
        {
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(
                o => o.XmlRepository = new ClusterSignInKeys(sp.GetRequiredService<NpgsqlDataSource>())));
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        }

        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Cookie or API key", o => o.ForwardDefaultSelector = http =>
                ApiKeyAuthenticationHandler.TokenOf(http.Request) is { Length: > 0 } ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "settingcontrol.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = security.SessionLifetime;
                o.SlidingExpiration = true;

                // An API, not a site of forms: answer 401/403 instead of redirecting to a login page.
                o.Events.OnRedirectToLogin = c => Status(c.Response, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => Status(c.Response, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = async c =>
                {
                    var accounts = c.HttpContext.RequestServices.GetRequiredService<AccountService>();
                    if (await accounts.CurrentAsync(c.Principal) is null)
                    {
                        // Disabled, deleted, given a new password or signed out: this cookie no longer signs anyone in.
                        c.RejectPrincipal();
                        await c.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            });
        services.AddAuthorizationBuilder().AddAccessPolicies();
        services.Configure<HubOptions>(o => o.AddFilter<HubAccessFilter>());
        services.AddSingleton<HubAccessFilter>();

        // Request-start logs carry the query string, where a browser's WebSocket carries its access token.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Warning);
        return builder;
    }

    public static WebApplication UseSettingControlSecurity(this WebApplication app)
    {
        app.UseMiddleware<OriginCheck>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAccountApi();
        return app;
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
