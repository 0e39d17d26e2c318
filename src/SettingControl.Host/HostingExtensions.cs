using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Configuration;
using SettingControl.Audio;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;
using SettingControl.Grains;
using SettingControl.Host.Api;
using SettingControl.Host.Hubs;
using SettingControl.Host.Security;
using SettingControl.Host.Services;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Security;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Host;

public static class HostingExtensions
{
    /// <summary>
    /// Wires every part. Hosted services start in registration order, which matters here: broker, then
    /// silo, then the device link (it routes into grains), then seeding and simulated devices.
    /// </summary>
    public static WebApplicationBuilder AddSettingControl(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.Configure<MqttOptions>(config.GetSection(MqttOptions.Section));
        services.Configure<StorageOptions>(config.GetSection(StorageOptions.Section));
        services.Configure<SimulationOptions>(config.GetSection(SimulationOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SettingControl.Contracts.Storage.RoomsAheadOfStorage>();

        // First of all hosted services: the data directory is the host user's alone before anything writes to it.
        services.AddHostedService<DataDirectoryPermissions>();
        services.AddSingleton<IBuiltInProtocols, BuiltInProtocols>();
        services.Configure<AudioOptions>(config.GetSection(AudioOptions.Section));
        services.AddSingleton<EngineMusicPlayer>();
        services.AddSingleton<IMusicPlayer>(sp => sp.GetRequiredService<EngineMusicPlayer>());
        services.AddSingleton<IPlaylistCatalog>(sp => sp.GetRequiredService<EngineMusicPlayer>());

        var mqtt = config.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        var storage = config.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        AddBrokerSecurity(services, mqtt.CredentialsDirectory ?? storage.DataDirectory);
        if (mqtt.Mode == BrokerMode.Embedded)
        {
            services.AddSingleton<EmbeddedBroker>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        var silo = config.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "settingcontrol";
                o.ServiceId = "settingcontrol";
            });
            orleans.Services.AddSqliteGrainStorage(StorageNames.Default, storage.DatabasePath);
        });

        services.AddSingleton(sp => new DeviceTopics(sp.GetRequiredService<IOptions<MqttOptions>>().Value.BaseTopic));
        services.AddSingleton<IDeviceProfile, SettingControlV1Profile>();
        services.AddSingleton<DeviceLinkMetrics>();
        services.AddHostedService<FacilityGauges>();
        services.AddSingleton<MqttDeviceLink>();
        services.AddSingleton<IDeviceCommands>(sp => sp.GetRequiredService<MqttDeviceLink>());
        services.AddSingleton<IDeviceLinkStatus>(sp => sp.GetRequiredService<MqttDeviceLink>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttDeviceLink>());

        // Added before the security filters so that it is the outermost one and sees their refusals too.
        services.Configure<HubOptions>(o => o.AddFilter<HubRefusalLogFilter>());
        builder.AddSettingControlSecurity(storage.DataDirectory);

        // The music engine's clock runs beside the silo; grains reach the engine through IMusicPlayer.
        services.AddHostedService<MusicStatusForwarder>();

        services.AddSingleton<ApiCounters>();
        services.AddSingleton<RefusalLog>();
        services.AddSingleton<HubRefusalLogFilter>();
        services.AddSingleton<RoomObserverBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<RoomObserverBridge>());
        services.AddHostedService<FacilitySeeder>();
        services.AddHostedService<RoomActivator>();
        services.AddSingleton<KnownRooms>();
        services.AddHostedService(sp => sp.GetRequiredService<KnownRooms>());
        services.AddSingleton<SessionRecords>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionRecords>());
        services.AddSingleton<SimulationService>();
        services.AddHostedService(sp => sp.GetRequiredService<SimulationService>());

        AddMetrics(services, config);
        services.AddProblemDetails();
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
    /// The controller's broker login (configured, or generated and kept in the data directory), the device and
    /// gateway accounts, and the topic ACL the embedded broker enforces.
    /// </summary>
    private static void AddBrokerSecurity(IServiceCollection services, string credentialsDirectory)
    {
        services.AddSingleton(sp =>
        {
            Directory.CreateDirectory(credentialsDirectory);
            return ControllerAccount.Resolve(sp.GetRequiredService<IOptions<MqttOptions>>().Value, credentialsDirectory);
        });
        services.AddSingleton(sp => new MqttAccountStore(
            credentialsDirectory,
            [sp.GetRequiredService<ControllerAccount>().Username, sp.GetRequiredService<IOptions<MqttOptions>>().Value.ClientId],
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BrokerAccessPolicy(sp.GetRequiredService<DeviceTopics>()));
        services.AddSingleton(sp => new BrokerAccess(
            sp.GetRequiredService<ControllerAccount>(),
            sp.GetRequiredService<MqttAccountStore>(),
            sp.GetRequiredService<BrokerAccessPolicy>(),
            sp.GetRequiredService<IOptions<MqttOptions>>().Value.ClientId));
    }

    /// <summary>
    /// OpenTelemetry metrics from the meter <c>SettingControl</c> (and ASP.NET Core's): scraped from <c>/metrics</c>
    /// (Prometheus text), and pushed over OTLP when <c>OpenTelemetry:OtlpEndpoint</c> is set.
    /// </summary>
    private static void AddMetrics(IServiceCollection services, IConfiguration config)
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
    }

    public static WebApplication MapSettingControl(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseSettingControlSecurity();
        app.MapHub<RoomsHub>(RoomsHub.Path);
        app.MapHealthEndpoints();
        // Scrapers do not sign in; the metrics hold counts and timings, never names or secrets.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapRoomApi();
        app.MapSessionApi();
        app.MapProvisioningApi();
        app.MapAudioApi();
        app.MapOpenApi().AllowAnonymous();

        // Device broker accounts and the generated Mosquitto files: staff and admins only.
        var (deviceCredentials, mosquittoConfig) = app.MapDeviceCredentialsApi();
        deviceCredentials.ForStaff();
        mosquittoConfig.ForStaff();
        return app;
    }
}
