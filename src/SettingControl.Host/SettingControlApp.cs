namespace SettingControl.Host;

/// <summary>Builds the whole facility host; Program.cs and the integration tests both start it this way.</summary>
public static class SettingControlApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--simulate"] = "Simulation:Rooms",
        });

        builder.AddSettingControl();
        var app = builder.Build();
        app.MapSettingControl();
        return app;
    }
}
