using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SettingControl.Host.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c> for scripts and integrations. Browsers' WebSockets cannot send
/// headers, so on the hub path the key may also come as the <c>access_token</c> query value (SignalR's convention);
/// request logging below Warning is off for that reason (docs/security.md).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccountService accounts) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments(Hubs.RoomsHub.Path) && request.Query.TryGetValue("access_token", out var token)
            ? token.ToString()
            : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { Length: > 0 } token)
        {
            return AuthenticateResult.NoResult();
        }

        var principal = await accounts.PrincipalForTokenAsync(token, SchemeName);
        return principal is null
            ? AuthenticateResult.Fail("The API key is not valid or has been revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
