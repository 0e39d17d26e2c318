using Microsoft.Extensions.Configuration.Memory;

namespace SettingControl.Host;

/// <summary>Builds the whole facility host; Program.cs and the integration tests both start it this way.</summary>
public static class SettingControlApp
{
    public static WebApplication Build(string[] args)
    {
        args = WithFlagsAsValues(args);
        var builder = CreateBuilder(args);
        // Quiet defaults under everything else, so appsettings, the environment and the command line still override
        // them: Orleans' option dumps, ASP.NET Core's per-request and lifetime lines would bury the start-up summary
        // (StartupSummary, printed last).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = QuietLogging });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--simulate"] = "Simulation:Rooms",
        });

        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        DataDirectoryCheck.EnsureWritable(storage.DataDirectory);
        ClusterProviders.CheckSchema(builder.Configuration);
        builder.AddSettingControl();
        var app = builder.Build();
        app.MapSettingControl();
        return app;
    }

    /// <summary>The configuration a node would start with, read without starting one (<c>migrate</c>).</summary>
    public static IConfiguration ReadConfiguration(string[] args) => CreateBuilder(WithFlagsAsValues(args)).Configuration;

    /// <summary>"--simulate-mix" is a flag; the configuration reader wants a value for every switch.</summary>
    private static string[] WithFlagsAsValues(string[] args) => [.. args.Select(a => a == "--simulate-mix" ? "--Simulation:Mix=true" : a)];

    private static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // Content (the dashboard in wwwroot, appsettings.json) comes from beside the host's assembly, so
        // the page is served the same however the host is started; relative data paths stay relative
        // to the working directory.
        return WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
    }

    private static readonly Dictionary<string, string?> QuietLogging = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",

        // Orleans' placement retries log every attempt at Information.
        ["Logging:LogLevel:Polly"] = "Warning",

        // The in-process simulated devices (--simulate) would log every command they apply.
        ["Logging:LogLevel:SettingControl.FirmwareSim"] = "Warning",

        // "No XML encryptor configured" at every start: the sign-in keys are protected by the data directory's
        // permissions instead (docs/security.md); an error in DataProtection still shows.
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
    };
}
