using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Postgres;

public static class PostgresStorageExtensions
{
    /// <summary>
    /// Registers the cluster's PostgreSQL database as the grain storage provider named <paramref name="providerName"/>,
    /// with the storage contract the host asks of every provider (health, the journal reader, the stored-state index).
    /// </summary>
    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, string providerName, string connectionString)
    {
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton(sp => new PostgresGrainStorage(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<PostgresGrainStorage>>()));
        services.AddKeyedSingleton<IGrainStorage>(providerName, (sp, _) => sp.GetRequiredService<PostgresGrainStorage>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.AddSingleton<IJournalReader>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.AddSingleton<IStoredStateIndex>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        return services;
    }
}
