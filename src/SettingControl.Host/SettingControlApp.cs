namespace SettingControl.Host;

/// <summary>Builds the whole facility host; Program.cs and the integration tests both start it this way.</summary>
public static class SettingControlApp
{
    public static WebApplication Build(string[] args)
    {
        // "--simulate-mix" is a flag; the configuration reader wants a value for every switch.
        args = [.. args.Select(a => a == "--simulate-mix" ? "--Simulation:Mix=true" : a)];

        // Content (the dashboard in wwwroot, appsettings.json) comes from beside the host's assembly, so
        // the page is served the same however the host is started; relative data paths stay relative
        // to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--simulate"] = "Simulation:Rooms",
        });

        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        DataDirectoryCheck.EnsureWritable(storage.DataDirectory);
        builder.AddSettingControl();
        var app = builder.Build();
        app.MapSettingControl();
        return app;
    }
}
