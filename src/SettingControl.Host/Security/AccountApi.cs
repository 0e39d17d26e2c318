using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SettingControl.Contracts;
using SettingControl.Host.Services;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Security;

/// <summary>Sign-in, first-run setup, accounts and API keys (docs/api.md, "Accounts").</summary>
public static class AccountApi
{
    private const int MaxSignInBodyBytes = 4096;

    public static void MapAccountApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");

        api.MapPost("/auth/sign-in", SignIn).AllowAnonymous();
        api.MapPost("/auth/sign-out", async (HttpContext http, AccountService accounts, HubConnections connections, IOptions<SecurityOptions> options) =>
        {
            // Deleting the browser's cookie is not enough: a copy of it would stay valid for its sliding lifetime.
            await accounts.SignOutSessionAsync(http.User, options.Value.SessionLifetime);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            await connections.ReviewAsync();
            return Results.NoContent();
        }).AllowAnonymous();
        api.MapGet("/auth/me", async (HttpContext http, AccountService accounts, DemoMode demo) =>
            await CurrentUserAsync(http, accounts, demo) is { } me ? Results.Ok(me) : Results.Unauthorized());
        api.MapGet("/auth/session", async (HttpContext http, AccountService accounts, DemoMode demo) =>
        {
            var me = await CurrentUserAsync(http, accounts, demo);
            return Results.Ok(new AuthSessionDto(me is not null, me, me is null && !await accounts.AdminExistsAsync()));
        }).AllowAnonymous();

        api.MapGet("/setup", async (AccountService accounts) => Results.Ok(new SetupStatusDto(!await accounts.AdminExistsAsync()))).AllowAnonymous();
        api.MapPost("/setup", Setup).AllowAnonymous();

        var admin = api.MapGroup("").ForAdmin();
        admin.MapGet("/accounts", async (AccountService accounts) =>
            Results.Ok((await accounts.SnapshotAsync()).Users.Select(AccountService.ToDto).OrderBy(u => u.Username, StringComparer.OrdinalIgnoreCase)));
        admin.MapPost("/accounts", CreateUser);
        admin.MapPut("/accounts/{username}", UpdateUser);
        admin.MapDelete("/accounts/{username}", DeleteUser);
        admin.MapGet("/api-keys", async (AccountService accounts) =>
            Results.Ok((await accounts.SnapshotAsync()).Keys.Select(AccountService.ToDto).OrderByDescending(k => k.CreatedAt)));
        admin.MapPost("/api-keys", CreateKey);
        admin.MapDelete("/api-keys/{keyId}", async (string keyId, IGrainFactory grains, AccountService accounts, HubConnections connections, TimeProvider clock) =>
        {
            var revoked = await grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key).RevokeKey(keyId, clock.GetUtcNow());
            await Changed(accounts, connections);
            return revoked ? Results.NoContent() : Results.Problem(statusCode: 404, title: "API key not found", detail: $"There is no active API key '{keyId}'.");
        });
    }

    private static async Task<MeDto?> CurrentUserAsync(HttpContext http, AccountService accounts, DemoMode demo) =>
        await accounts.CurrentAsync(http.User) is { } access
            ? new MeDto(access.Name, access.Role, access.Rooms, access.CanControlRooms, access.CanProvision, access.CanAdminister, demo.IsOn)
            : null;

    private static async Task<IResult> SignIn(HttpContext http, AccountService accounts, SignInLimiter limiter, SecurityCounters counters, ApiCounters api, ILoggerFactory logs)
    {
        // A name, a password and some JSON: a larger body is refused before it is read, let alone hashed or logged.
        if (http.Request.ContentLength > MaxSignInBodyBytes)
        {
            api.Malformed();
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "A sign-in request is at most 4 KB.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = MaxSignInBodyBytes;
        }

        var (body, problem) = await ReadBody<SignInRequest>(http, api);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Username is { Length: > AccountService.MaxUsernameLength })
        {
            api.Invalid();
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "That username is too long.",
                detail: $"A username has at most {AccountService.MaxUsernameLength} characters.");
        }

        var username = body.Username?.Trim() ?? string.Empty;
        var address = http.Connection.RemoteIpAddress;
        if (limiter.TryAcquire(address, username) is { } wait)
        {
            counters.SignInThrottled();
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts.",
                detail: $"Try again in {seconds} seconds.");
        }

        var user = await accounts.CheckPasswordAsync(username, body.Password ?? string.Empty);
        if (user is null)
        {
            counters.SignInFailed();
            logs.CreateLogger("SettingControl.Security").LogWarning(
                "Failed sign-in for {Username} from {Address}", LogValue.Of(username), address?.ToString() ?? "unknown");
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong username or password.");
        }

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AccountService.PrincipalFor(user, CookieAuthenticationDefaults.AuthenticationScheme));
        return Results.Ok(new { user.Username, user.Role });
    }

    private static async Task<IResult> Setup(HttpContext http, SetupToken token, AccountService accounts, IGrainFactory grains, ApiCounters api, SecurityCounters counters)
    {
        var (body, problem) = await ReadBody<SetupRequest>(http, api);
        if (problem is not null)
        {
            return problem;
        }

        if (await accounts.AdminExistsAsync() || !token.Matches(body!.Token?.Trim()))
        {
            counters.SignInFailed();
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The setup token is not valid.",
                detail: "Use the token the host printed at start. It works once, and only while no admin exists.");
        }

        var errors = AccountService.ValidateCredentials(body.Username, body.Password);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The first admin was not created.");
        }

        var admin = accounts.NewUser(body.Username!.Trim(), body.Password!, Role.Admin, []);
        if (!await grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key).CreateFirstAdmin(admin))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "An admin already exists.");
        }

        token.Spend();
        accounts.Invalidate();
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AccountService.PrincipalFor(admin, CookieAuthenticationDefaults.AuthenticationScheme));
        return Results.Ok(AccountService.ToDto(admin));
    }

    private static async Task<IResult> CreateUser(HttpContext http, AccountService accounts, IGrainFactory grains, ApiCounters api)
    {
        var (body, problem) = await ReadBody<CreateUserRequest>(http, api);
        if (problem is not null)
        {
            return problem;
        }

        var errors = AccountService.ValidateCredentials(body!.Username, body.Password);
        if (body.Role is null)
        {
            errors["role"] = ["Choose a role: Observer, Therapist, Staff or Admin."];
        }

        if (errors.Count > 0)
        {
            api.Invalid();
            return Results.ValidationProblem(errors, title: "The account was not created.");
        }

        var user = accounts.NewUser(body.Username!.Trim(), body.Password!, body.Role!.Value, body.Rooms?.Distinct().ToArray());
        if (!await grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key).CreateUser(user))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "That username is taken.");
        }

        accounts.Invalidate();
        return Results.Created($"/api/accounts/{user.Username}", AccountService.ToDto(user));
    }

    private static async Task<IResult> UpdateUser(string username, HttpContext http, AccountService accounts, HubConnections connections, IGrainFactory grains, ApiCounters api)
    {
        var (body, problem) = await ReadBody<UpdateUserRequest>(http, api);
        if (problem is not null)
        {
            return problem;
        }

        var snapshot = await accounts.SnapshotAsync();
        var user = snapshot.Users.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        if (user is null)
        {
            return Results.Problem(statusCode: 404, title: "Account not found", detail: $"There is no account '{username}'.");
        }

        if (body!.Password is not null && AccountService.ValidateCredentials(null, body.Password, requireUsername: false) is { Count: > 0 } errors)
        {
            api.Invalid();
            return Results.ValidationProblem(errors, title: "The account was not changed.");
        }

        var changed = user with
        {
            Role = body.Role ?? user.Role,
            Rooms = body.Rooms?.Distinct().ToArray() ?? user.Rooms,
            Disabled = body.Disabled ?? user.Disabled,
        };
        if (body.Password is not null)
        {
            changed = accounts.WithPassword(changed, body.Password);
        }

        if (LeavesNoAdmin(snapshot, user, changed.Role != Role.Admin || changed.Disabled))
        {
            api.Invalid();
            return Results.Problem(statusCode: 400, title: "At least one active admin must remain.");
        }

        await grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key).UpdateUser(changed);
        await Changed(accounts, connections);
        return Results.Ok(AccountService.ToDto(changed));
    }

    private static async Task<IResult> DeleteUser(string username, AccountService accounts, HubConnections connections, IGrainFactory grains, ApiCounters api)
    {
        var snapshot = await accounts.SnapshotAsync();
        var user = snapshot.Users.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        if (user is null)
        {
            return Results.Problem(statusCode: 404, title: "Account not found", detail: $"There is no account '{username}'.");
        }

        if (LeavesNoAdmin(snapshot, user, true))
        {
            api.Invalid();
            return Results.Problem(statusCode: 400, title: "At least one active admin must remain.");
        }

        await grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key).DeleteUser(user.Username);
        await Changed(accounts, connections);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateKey(HttpContext http, AccountService accounts, IGrainFactory grains, ApiCounters api)
    {
        var (body, problem) = await ReadBody<CreateApiKeyRequest>(http, api);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 80 || body.Role is null)
        {
            api.Invalid();
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["name"] = ["Give the key a name (what uses it) of up to 80 characters, and a role."] },
                title: "The API key was not created.");
        }

        var by = http.User.Identity?.Name ?? "unknown";
        var (record, token) = accounts.NewApiKey(body.Name.Trim(), body.Role.Value, by);
        await grains.GetGrain<IAccountsGrain>(IAccountsGrain.Key).CreateKey(record);
        accounts.Invalidate();
        return Results.Created($"/api/api-keys/{record.KeyId}", new CreatedApiKeyDto(AccountService.ToDto(record), token));
    }

    /// <summary>
    /// After an account or key changed: the cache is refreshed, and hub connections that the change refuses (or
    /// gives another role or rooms) are closed at once, since pushes to them are not calls the filter checks.
    /// </summary>
    private static async Task Changed(AccountService accounts, HubConnections connections)
    {
        accounts.Invalidate();
        await connections.ReviewAsync();
    }

    private static bool LeavesNoAdmin(AccountsSnapshot snapshot, UserRecord user, bool userStopsBeingAdmin) =>
        userStopsBeingAdmin && user.Role == Role.Admin && !user.Disabled &&
        !snapshot.Users.Any(u => u != user && u.Role == Role.Admin && !u.Disabled);
}
