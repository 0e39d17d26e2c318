using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;

namespace SettingControl.Host;

/// <summary>
/// How the dashboard's own files (wwwroot) go over the wire to a tablet: compressed (Brotli, else gzip), and cached
/// with revalidation, so a reload or a sign-in costs a round of small "not modified" answers instead of the whole page
/// again. There is no build step to fingerprint file names, so nothing is cached without asking: a new release is
/// picked up on the next load. API and hub answers are not compressed: they are small, on the command path, and
/// may carry secrets shown once (compressing those beside attacker-chosen text is how BREACH-style attacks work).
/// </summary>
public static class DashboardFiles
{
    private static readonly string[] CompressedTypes =
        ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/manifest+json"];

    public static IServiceCollection AddDashboardFiles(this IServiceCollection services) =>
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = CompressedTypes;
        });

    public static WebApplication UseDashboardFiles(this WebApplication app)
    {
        app.UseResponseCompression();
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
