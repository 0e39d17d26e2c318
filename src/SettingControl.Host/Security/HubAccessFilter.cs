using System.Reflection;
using Microsoft.AspNetCore.SignalR;

namespace SettingControl.Host.Security;

/// <summary>Marks a hub method that changes the room named by its first argument.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ControlsRoomAttribute : Attribute;

/// <summary>
/// Checks every hub call, not only the connection: the account or key must still be valid now, and a
/// method marked <see cref="ControlsRoomAttribute"/> needs a role that may change that room. Registers
/// each connection in <see cref="HubConnections"/>, so a change to its account can close it.
/// </summary>
public sealed class HubAccessFilter(AccountService accounts, SecurityCounters counters, HubConnections connections) : IHubFilter
{
    public const string AccessItem = "sc:access";

    // Reflection once per hub method, not once per call: this is on the command hot path.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MethodInfo, bool> ControlsRoom = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var access = await accounts.CurrentAsync(context.Context.User);
        if (access is null)
        {
            counters.HubRefused();
            throw new HubException("Your sign-in has ended. Sign in again.");
        }

        connections.Opened(context.Context, access);
        try
        {
            await next(context);
        }
        catch
        {
            // A connection whose start failed gets no OnDisconnected.
            connections.Closed(context.Context);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Closed(context.Context);
        await next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var access = await accounts.CurrentAsync(invocation.Context.User);
        if (access is null)
        {
            counters.HubRefused();
            throw new HubException("Your sign-in has ended. Sign in again.");
        }

        if (ControlsRoom.GetOrAdd(invocation.HubMethod, m => m.GetCustomAttribute<ControlsRoomAttribute>() is not null))
        {
            var roomId = invocation.HubMethodArguments.Count > 0 ? invocation.HubMethodArguments[0] as string ?? string.Empty : string.Empty;
            if (!access.CanControl(roomId))
            {
                counters.HubRefused();
                throw new HubException(access.RefusalFor(roomId));
            }
        }

        invocation.Context.Items[AccessItem] = access;
        return await next(invocation);
    }
}
