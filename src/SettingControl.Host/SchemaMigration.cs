using SettingControl.Storage.Postgres;

namespace SettingControl.Host;

/// <summary>
/// <c>settingcontrol migrate</c>: reads the same configuration a node would (appsettings, environment, command line),
/// applies the schema steps the cluster database lacks, says which, and exits 0; run twice, the second run changes
/// nothing. A single node (Cluster:Provider=Localhost) has nothing to migrate: its SQLite file makes its own tables.
/// </summary>
public static class SchemaMigration
{
    public static async Task<int> RunAsync(string[] args)
    {
        var config = SettingControlApp.ReadConfiguration(args);
        try
        {
            if (!ClusterProviders.IsPostgreSql(config))
            {
                Console.WriteLine("Nothing to migrate: Cluster:Provider is Localhost, whose SQLite database creates its own tables at start.");
                return 0;
            }

            var applied = await PostgresSchema.MigrateAsync(ClusterProviders.ConnectionString(config));
            Console.WriteLine(applied.Count == 0
                ? $"The cluster database's schema is current ({PostgresSchema.Steps.Count} steps); nothing changed."
                : $"Applied {applied.Count} schema step(s) to the cluster database: {string.Join(", ", applied)}.");
            return 0;
        }
        catch (StartupRefusedException refused)
        {
            Console.Error.WriteLine(refused.Message.Replace("cannot start", "cannot migrate", StringComparison.Ordinal));
            return 2;
        }
        catch (Exception failed) when (failed is Npgsql.NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"SettingControl cannot migrate: {failed.Message}");
            return 2;
        }
    }
}
