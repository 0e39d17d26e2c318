using System.Net;
using Orleans.Configuration;
using SettingControl.Domain;
using SettingControl.Grains;
using SettingControl.Grains.Rooms;
using SettingControl.Host.Services;
using SettingControl.Mqtt.Link;
using SettingControl.Host.Security;
using SettingControl.Mqtt;
using SettingControl.Storage.Postgres;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Host;

/// <summary>Configuration section <c>Cluster</c> (docs/cluster.md).</summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    public const string ConnectionStringName = "SettingControl";

    /// <summary><c>Localhost</c> (one node, SQLite; the default) or <c>PostgreSQL</c> (any number of nodes on one database).</summary>
    public string Provider { get; set; } = ClusterProviders.Localhost;

    /// <summary>How long a node waits for a peer's answer to a probe, and how often it probes (<c>Cluster:ProbeTimeoutSeconds</c>).</summary>
    public int ProbeTimeoutSeconds { get; set; } = 2;

    /// <summary>Probes a peer may miss in a row before this node suspects it (<c>Cluster:MissedProbesLimit</c>).</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// Suspicions that declare a node dead (<c>Cluster:VotesForDeath</c>). 1 suits two or three nodes on one network:
    /// with two, the survivor's is the only vote there can be. Raise it for larger clusters, where one node's slow
    /// moment should not be enough to declare another dead.
    /// </summary>
    public int VotesForDeath { get; set; } = 1;

    /// <summary>
    /// This node's name among its peers (<c>Cluster:NodeName</c>): what staff write as an audio output's <c>node</c>,
    /// and the suffix of its MQTT client id. By default the machine's name and the silo port.
    /// </summary>
    public string? NodeName { get; set; }
}

/// <summary>
/// How the silo finds its peers and where grains are stored, by <c>Cluster:Provider</c>:
/// <list type="bullet">
/// <item><c>Localhost</c>: one node, localhost clustering on the configured ports, grain storage by <c>Storage:Provider</c>.</item>
/// <item><c>PostgreSQL</c>: Orleans' ADO.NET clustering and reminders and the project's grain storage, all on the
/// database of <c>ConnectionStrings:SettingControl</c>, whose schema <c>migrate</c> creates; the broker must be an
/// external one that every node shares.</item>
/// </list>
/// </summary>
public static class ClusterProviders
{
    public const string Localhost = "Localhost";
    public const string PostgreSql = "PostgreSQL";

    /// <summary>Orleans' ADO.NET providers name Npgsql by its invariant.</summary>
    private const string NpgsqlInvariant = "Npgsql";

    public static bool IsPostgreSql(IConfiguration config) =>
        string.Equals(Settings(config).Provider.Trim(), PostgreSql, StringComparison.OrdinalIgnoreCase);

    /// <summary>The database of a PostgreSQL cluster; stops the start with one line when it is not configured.</summary>
    public static string ConnectionString(IConfiguration config) =>
        config.GetConnectionString(ClusterSettings.ConnectionStringName) is { Length: > 0 } connection
            ? connection
            : throw new StartupRefusedException(
                "SettingControl cannot start: Cluster:Provider is PostgreSQL but ConnectionStrings:SettingControl is not set (an Npgsql connection string).");

    public static void Add(ISiloBuilder orleans, IConfiguration config, SiloOptions silo, StorageOptions storage, MqttOptions mqtt)
    {
        var provider = Settings(config).Provider.Trim();
        var nodeName = NodeName(config, silo);
        orleans.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = nodeName);
        orleans.AddRoomPlacement();
        if (string.Equals(provider, Localhost, StringComparison.OrdinalIgnoreCase))
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            StorageProviders.Add(orleans.Services, storage);
            return;
        }

        if (!string.Equals(provider, PostgreSql, StringComparison.OrdinalIgnoreCase))
        {
            throw new StartupRefusedException(
                $"SettingControl cannot start: Cluster:Provider '{LogValue.Of(provider)}' is not one it knows; use {Localhost} or {PostgreSql}.");
        }

        if (mqtt.Mode != BrokerMode.External)
        {
            throw new StartupRefusedException(
                "SettingControl cannot start: a PostgreSQL cluster needs Mqtt:Mode=External, one broker (Mosquitto) every node shares; the embedded broker lives in one node and would take the devices down with it.");
        }

        var connection = ConnectionString(config);
        orleans.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connection;
        });
        orleans.UseAdoNetReminderService(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connection;
        });
        orleans.ConfigureEndpoints(AdvertisedAddress(config), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: true);

        // A dead node is declared dead in seconds, not Orleans' default of about a minute: its rooms' clocks and
        // Lights up carry on on a surviving node only then. By default a probe every 2 s; three missed in a row and
        // one vote declare a node dead (about 6-8 s, sooner when its port refuses at once, as after a kill -9).
        var settings = Settings(config);
        orleans.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(Math.Clamp(settings.ProbeTimeoutSeconds, 1, 60));
            o.NumMissedProbesLimit = Math.Clamp(settings.MissedProbesLimit, 1, 10);
            o.NumVotesForDeathDeclaration = Math.Clamp(settings.VotesForDeath, 1, 10);
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });

        // Each node is its own MQTT client (two sessions on one client id knock each other off the broker).
        orleans.Services.PostConfigure<MqttOptions>(o => o.ClientId = $"{o.ClientId}-{nodeName}");
        orleans.Services.AddSingleton<ClusterMembership>();
        orleans.Services.AddSingleton<IDeviceOwnership>(sp => sp.GetRequiredService<ClusterMembership>());
        orleans.Services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
        orleans.Services.AddPostgresGrainStorage(StorageNames.Default, connection);

        // What a single node keeps as files in its data directory, every node shares here.
        orleans.Services.AddSingleton<IKeptDocuments>(sp => new ClusterDocuments(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        orleans.Services.AddHostedService<ClusterDocumentsWatcher>();
        orleans.Services.AddHostedService<MusicOutputHoming>();
        orleans.Services.AddSingleton<SettingControl.Contracts.Storage.ILightsUpLatch>(sp => new FileLightsUpLatch(
            Path.Combine(Path.GetFullPath(storage.DataDirectory), "lights-up.latch"),
            sp.GetRequiredService<ILogger<FileLightsUpLatch>>()));
    }

    /// <summary>
    /// Refuses to start on a database whose schema this build does not know (not migrated, or upgraded by a newer
    /// node), with one line saying what to do. Asked before the silo joins, so a wrong node never touches the tables.
    /// </summary>
    public static void CheckSchema(IConfiguration config)
    {
        if (!IsPostgreSql(config))
        {
            return;
        }

        SchemaCheck check;
        try
        {
            check = PostgresSchema.CheckAsync(ConnectionString(config)).GetAwaiter().GetResult();
        }
        catch (Exception failure) when (failure is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new StartupRefusedException($"SettingControl cannot start: the cluster database cannot be reached ({LogValue.Of(failure.Message)}).");
        }

        if (!check.Ready)
        {
            throw new StartupRefusedException($"SettingControl cannot start: {check.Problem}.");
        }
    }

    /// <summary>
    /// This node's name among its peers: <c>Cluster:NodeName</c>, or the machine and the silo port (two nodes may share
    /// a machine). A name that is no plain identifier stops the start: it ends up in client ids and staff's settings.
    /// </summary>
    public static string NodeName(IConfiguration config, SiloOptions silo)
    {
        if (Settings(config).NodeName is { Length: > 0 } configured)
        {
            return Identifiers.IsValid(configured)
                ? configured
                : throw new StartupRefusedException(
                    $"SettingControl cannot start: Cluster:NodeName '{LogValue.Of(configured)}' must be lower-case letters, digits, '-' or '_' (at most 64).");
        }

        return new string([.. Environment.MachineName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]) + "-" + silo.SiloPort;
    }

    /// <summary>The address other nodes reach this one at (<c>Orleans:AdvertisedAddress</c>); loopback when not set.</summary>
    private static IPAddress AdvertisedAddress(IConfiguration config)
    {
        var configured = config["Orleans:AdvertisedAddress"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(configured.Trim(), out var address)
            ? address
            : throw new StartupRefusedException(
                $"SettingControl cannot start: Orleans:AdvertisedAddress '{LogValue.Of(configured)}' is not an IP address.");
    }

    private static ClusterSettings Settings(IConfiguration config) =>
        config.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
}
