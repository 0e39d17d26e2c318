using Microsoft.AspNetCore.Authorization;

namespace SettingControl.Host.Security;

/// <summary>
/// The authorization policies. Every endpoint needs at least <see cref="Viewer"/> (the fallback policy);
/// routes that change a room, provision or administer say so with the extension methods below.
/// </summary>
public static class AccessPolicies
{
    public const string Viewer = "viewer";
    public const string ControlRoom = "control-room";
    public const string Provision = "provision";
    public const string Administer = "administer";

    public static AuthorizationBuilder AddAccessPolicies(this AuthorizationBuilder builder)
    {
        AuthorizationPolicy Policy(string name, Func<Access, HttpContext?, bool> allows) => new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .AddRequirements(new AccessRequirement(name, allows))
            .Build();

        var viewer = Policy(Viewer, (_, _) => true);
        return builder
            .AddPolicy(Viewer, viewer)
            .SetFallbackPolicy(viewer)
            .AddPolicy(ControlRoom, Policy(ControlRoom, (access, http) =>
                http?.GetRouteValue("roomId") is string roomId ? access.CanControl(roomId) : access.CanControlRooms))
            .AddPolicy(Provision, Policy(Provision, (access, _) => access.CanProvision))
            .AddPolicy(Administer, Policy(Administer, (access, _) => access.CanAdminister));
    }

    /// <summary>Changes a room: Therapist (only their rooms when some are assigned) or Admin.</summary>
    public static TBuilder ControlsRoom<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ControlRoom);

    /// <summary>Provisioning and settings: Staff or Admin.</summary>
    public static TBuilder ForStaff<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Provision);

    /// <summary>Accounts and API keys: Admin.</summary>
    public static TBuilder ForAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Administer);
}

public sealed record AccessRequirement(string Name, Func<Access, HttpContext?, bool> Allows) : IAuthorizationRequirement;

/// <summary>Checks a requirement against the caller's current account or key (not what it was at sign-in).</summary>
public sealed class AccessRequirementHandler(AccountService accounts) : AuthorizationHandler<AccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        if (await accounts.CurrentAsync(context.User) is { } access && requirement.Allows(access, context.Resource as HttpContext))
        {
            context.Succeed(requirement);
        }
    }
}
