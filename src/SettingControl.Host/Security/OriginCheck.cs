using Microsoft.Extensions.Options;

namespace SettingControl.Host.Security;

/// <summary>
/// Refuses requests a browser makes on behalf of another site: the hub (including its WebSocket, which
/// browsers open cross-site without asking) and every change to the API. A request with no Origin
/// (scripts, the .NET client) is let through to authentication, which it must pass on its own.
/// </summary>
public sealed class OriginCheck(RequestDelegate next, IOptions<SecurityOptions> options, ILogger<OriginCheck> logger)
{
    public async Task InvokeAsync(HttpContext http, SecurityCounters counters)
    {
        var guarded = http.Request.Path.StartsWithSegments(Hubs.RoomsHub.Path) ||
                      (http.Request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method));
        var origin = http.Request.Headers.Origin.ToString();
        if (guarded && origin.Length > 0 && !IsAllowed(origin, http.Request))
        {
            counters.OriginRefused();
            logger.LogWarning("Refused a request to {Path} from origin {Origin}", LogValue.Of(http.Request.Path.Value), LogValue.Of(origin));
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsJsonAsync(new { title = "This page's origin may not use SettingControl.", status = 403 });
            return;
        }

        await next(http);
    }

    private bool IsAllowed(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin.TrimEnd('/'), own, StringComparison.OrdinalIgnoreCase) ||
               options.Value.AllowedOrigins.Any(a => string.Equals(a.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Refusals by reason, for <c>/api/diagnostics</c>.</summary>
public sealed class SecurityCounters
{
    private long _originRefused;
    private long _signInFailed;
    private long _signInThrottled;
    private long _hubRefused;
    private long _hubConnectionsClosed;

    public void OriginRefused() => Interlocked.Increment(ref _originRefused);

    public void SignInFailed() => Interlocked.Increment(ref _signInFailed);

    public void SignInThrottled() => Interlocked.Increment(ref _signInThrottled);

    public void HubRefused() => Interlocked.Increment(ref _hubRefused);

    public void HubConnectionClosed() => Interlocked.Increment(ref _hubConnectionsClosed);

    public object Snapshot() => new
    {
        originRefused = Interlocked.Read(ref _originRefused),
        signInFailed = Interlocked.Read(ref _signInFailed),
        signInThrottled = Interlocked.Read(ref _signInThrottled),
        hubCallsRefused = Interlocked.Read(ref _hubRefused),
        hubConnectionsClosed = Interlocked.Read(ref _hubConnectionsClosed),
    };
}
