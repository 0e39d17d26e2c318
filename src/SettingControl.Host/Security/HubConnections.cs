using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace SettingControl.Host.Security;

/// <summary>
/// Every open hub connection, with the access its principal had when it connected. Calls are checked one
/// by one (<see cref="HubAccessFilter"/>), but pushes are not calls: a connection that joined a room keeps
/// receiving <c>RoomChanged</c> until it is closed. So whenever an account, key or sign-in session
/// changes, <see cref="ReviewAsync"/> closes each connection whose principal is now refused or has a
/// different role or rooms; the page reconnects and signs in again as what it now is.
/// </summary>
public sealed class HubConnections(AccountService accounts, SecurityCounters counters, ILogger<HubConnections> logger)
{
    private readonly ConcurrentDictionary<string, Connection> _open = new(StringComparer.Ordinal);

    private sealed record Connection(HubCallerContext Context, string Principal, Access Access);

    public int Count => _open.Count;

    public void Opened(HubCallerContext context, Access access) =>
        _open[context.ConnectionId] = new Connection(context, AccountService.PrincipalKeyOf(context.User!), access);

    public void Closed(HubCallerContext context) => _open.TryRemove(context.ConnectionId, out _);

    /// <summary>Closes the connections whose principal is no longer allowed as it was; returns how many.</summary>
    public async Task<int> ReviewAsync()
    {
        var closed = 0;
        foreach (var connection in _open.Values)
        {
            var now = connection.Context.User is { } user ? await accounts.CurrentAsync(user) : null;
            if (now is not null && SameAccess(now, connection.Access))
            {
                continue;
            }

            _open.TryRemove(connection.Context.ConnectionId, out _);
            connection.Context.Abort();
            counters.HubConnectionClosed();
            closed++;
            logger.LogInformation(
                "Closed a dashboard connection of {Principal}: {Reason}",
                LogValue.Of(connection.Principal),
                now is null ? "signed out, disabled, deleted or revoked" : "role or rooms changed");
        }

        return closed;
    }

    private static bool SameAccess(Access a, Access b) =>
        a.Kind == b.Kind && a.Name == b.Name && a.Role == b.Role && a.Rooms.SequenceEqual(b.Rooms, StringComparer.Ordinal);
}
