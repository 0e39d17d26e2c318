namespace SettingControl.Host.Security;

/// <summary>
/// Headers on every response (pages, API, errors) that tell the browser what the page may do: scripts,
/// styles and connections from this host only, no inline script, no plugins, never inside a frame, and
/// no Referer sent elsewhere. A script that got into the page some other way still cannot run or call out.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    /// <summary>
    /// Everything the page loads is its own: its icon and web app manifest too (<c>default-src 'self'</c> covers
    /// <c>manifest-src</c>). The SignalR WebSocket is same-origin, which <c>connect-src 'self'</c> covers.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    public Task InvokeAsync(HttpContext http)
    {
        // Set as the response starts, so an error page written after the exception handler cleared the headers has them too.
        http.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        }, http.Response);
        return next(http);
    }
}
