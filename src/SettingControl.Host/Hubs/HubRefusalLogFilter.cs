using Microsoft.AspNetCore.SignalR;
using SettingControl.Host.Services;

namespace SettingControl.Host.Hubs;

/// <summary>
/// The outermost hub filter. A refusal (<see cref="HubException"/>, whose message the caller sees) is
/// logged briefly and throttled by <see cref="RefusalLog"/>; anything else is a fault and is logged at
/// error with its stack trace. SignalR's own per-call error log is turned off (HostingExtensions), because
/// it wrote every refusal at error with a stack trace.
/// </summary>
public sealed class HubRefusalLogFilter(RefusalLog refusals, ILogger<HubRefusalLogFilter> logger) : IHubFilter
{
    /// <summary>SignalR's logger that writes "Failed to invoke hub method" at error for every refused call.</summary>
    public const string DispatcherLogCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException refused)
        {
            refusals.HubCallRefused(invocation.HubMethodName, refused.Message);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Hub method {HubMethod} failed", invocation.HubMethodName);
            throw;
        }
    }
}
