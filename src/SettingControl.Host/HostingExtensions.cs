using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Configuration;
using SettingControl.Audio;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;
using SettingControl.Host.Api;
using SettingControl.Host.Hubs;
using SettingControl.Host.Security;
using SettingControl.Host.Services;
using SettingControl.Mqtt;

namespace SettingControl.Host;

public static class HostingExtensions
{
    /// <summary>
    /// Wires every part, one line each. Hosted services start in registration order, which matters: the data
    /// directory's permissions first, then the broker, the silo, the device link (it routes into grains), the music
    /// clock, the room services, and the simulated devices last.
    /// </summary>
    public static WebApplicationBuilder AddSettingControl(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var mqtt = config.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        var storage = config.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var silo = config.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();

        builder.AddHostBasics();
        builder.Services.AddMusic(config);
        builder.Services.AddDeviceBroker(mqtt, mqtt.CredentialsDirectory ?? storage.DataDirectory);
        builder.AddSiloWithStorage(silo, storage, mqtt);
        builder.Services.AddDeviceLink();
        builder.AddHubAndApi();
        builder.AddSettingControlSecurity(storage.DataDirectory);
        builder.Services.AddRoomServices();
        builder.Services.AddSingleton(ExportTimes.From(config.GetSection(FacilityOptions.Section).Get<FacilityOptions>() ?? new FacilityOptions()));
        builder.Services.AddSimulation();
        builder.Services.AddMetrics(config);
        return builder;
    }

    /// <summary>Options, the clock, and the data directory made the host user's alone before anything writes to it.</summary>
    private static WebApplicationBuilder AddHostBasics(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.Configure<MqttOptions>(config.GetSection(MqttOptions.Section));
        services.Configure<StorageOptions>(config.GetSection(StorageOptions.Section));
        services.Configure<SimulationOptions>(config.GetSection(SimulationOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SettingControl.Contracts.Storage.RoomsAheadOfStorage>();
        services.AddHostedService<DataDirectoryPermissions>();
        services.AddSingleton<IBuiltInProtocols, BuiltInProtocols>();
        services.AddDashboardFiles();
        return builder;
    }

    /// <summary>The audio engine the rooms' music plays through; grains reach it through <see cref="IMusicPlayer"/>.</summary>
    private static IServiceCollection AddMusic(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<AudioOptions>(config.GetSection(AudioOptions.Section));
        services.AddSingleton<EngineMusicPlayer>();
        services.AddSingleton<IMusicPlayer>(sp => sp.GetRequiredService<EngineMusicPlayer>());
        services.AddSingleton<IPlaylistCatalog>(sp => sp.GetRequiredService<EngineMusicPlayer>());
        services.AddSingleton<SettingControl.Grains.Rooms.IMusicOutputNodes>(sp => sp.GetRequiredService<EngineMusicPlayer>());
        return services;
    }

    /// <summary>The Orleans silo, how it finds its peers and its grain storage (<c>Cluster:Provider</c>, see <see cref="ClusterProviders"/>).</summary>
    private static WebApplicationBuilder AddSiloWithStorage(this WebApplicationBuilder builder, SiloOptions silo, StorageOptions storage, MqttOptions mqtt)
    {
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "settingcontrol";
                o.ServiceId = "settingcontrol";
            });
            ClusterProviders.Add(orleans, builder.Configuration, silo, storage, mqtt);
        });
        return builder;
    }

    /// <summary>The SignalR hub (with its keep-alive), the REST API's JSON and problem details, and log filters.</summary>
    private static WebApplicationBuilder AddHubAndApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHostedService<FacilityGauges>();

        // Added before the security filters so that it is the outermost one and sees their refusals too.
        services.Configure<HubOptions>(o => o.AddFilter<HubRefusalLogFilter>());
        services.AddSingleton<ApiCounters>();
        services.AddSingleton<RefusalLog>();
        services.AddSingleton<HubRefusalLogFilter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<KeptDocumentConflicts>();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddSignalR(o =>
            {
                o.EnableDetailedErrors = false;
                // A tablet on a silently dead link must say "not connected" within 5 s (issue 11, H2): the server
                // pings every 2 s and the page gives up after 5 s of silence (wwwroot/lib/hub.js). The page pings every 2 s
                // too, so the server drops a dead tablet (and its groups) after 6 s rather than 30 s.
                o.KeepAliveInterval = TimeSpan.FromSeconds(2);
                o.ClientTimeoutInterval = TimeSpan.FromSeconds(6);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        // Refused hub calls are logged (briefly, throttled) by HubRefusalLogFilter; SignalR logged each at error with a stack.
        builder.Logging.AddFilter(HubRefusalLogFilter.DispatcherLogCategory, LogLevel.Critical);

        // Every result logged "Setting HTTP status code 404" at information: a line per request anyone can make.
        // 404s are counted in /api/diagnostics and logged, throttled, by RefusalLog.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.HttpResults", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        return builder;
    }

    /// <summary>
    /// What runs beside the grains: the music clock, the bridge that pushes room changes to dashboards, seeding and
    /// activating rooms, and the in-memory lists of known rooms and session records.
    /// </summary>
    private static IServiceCollection AddRoomServices(this IServiceCollection services)
    {
        services.AddHostedService<MusicStatusForwarder>();
        services.AddSingleton<RoomObserverBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<RoomObserverBridge>());
        services.AddHostedService<FacilitySeeder>();
        services.AddSingleton<RoomActivator>();
        services.AddHostedService(sp => sp.GetRequiredService<RoomActivator>());
        services.AddSingleton<KnownRooms>();
        services.AddHostedService(sp => sp.GetRequiredService<KnownRooms>());
        services.AddSingleton<SessionRecords>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionRecords>());
        return services;
    }

    /// <summary>Simulated devices (<c>--simulate N</c>), started last, once the broker and rooms are up.</summary>
    private static IServiceCollection AddSimulation(this IServiceCollection services)
    {
        services.AddSingleton<SimulationService>();
        services.AddHostedService(sp => sp.GetRequiredService<SimulationService>());
        services.AddHostedService<StartupSummary>();
        return services;
    }

    /// <summary>
    /// OpenTelemetry metrics from the meter <c>SettingControl</c> (and ASP.NET Core's): scraped from <c>/metrics</c>
    /// (Prometheus text), and pushed over OTLP when <c>OpenTelemetry:OtlpEndpoint</c> is set.
    /// </summary>
    private static IServiceCollection AddMetrics(this IServiceCollection services, IConfiguration config)
    {
        var otlpEndpoint = config["OpenTelemetry:OtlpEndpoint"];
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("settingcontrol"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(DeviceLinkMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                metrics.AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    metrics.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(otlpEndpoint));
                }
            });
        return services;
    }

    public static WebApplication MapSettingControl(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboardFiles();
        app.UseSettingControlSecurity();
        app.MapHub<RoomsHub>(RoomsHub.Path);
        app.MapHealthEndpoints();
        // Scrapers do not sign in; the metrics hold counts and timings, never names or secrets.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapRoomApi();
        app.MapSessionApi();
        app.MapFacilityLightsUpApi();
        app.MapProvisioningApi();
        app.MapMusicApi();
        app.MapBridgesApi();
        app.MapTasmotaApi();
        app.MapJsonLightApi();
        app.MapClusterApi();
        app.MapOpenApi().AllowAnonymous();

        // Device broker accounts and the generated Mosquitto files: staff and admins only.
        var (deviceCredentials, mosquittoConfig) = app.MapDeviceCredentialsApi();
        deviceCredentials.ForStaff();
        mosquittoConfig.ForStaff();
        return app;
    }
}
