using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

public static class SqliteStorageExtensions
{
    /// <summary>Registers one SQLite file as the grain storage provider named <paramref name="providerName"/>.</summary>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string providerName, string databasePath)
    {
        services.AddKeyedSingleton(providerName, (sp, _) =>
            new SqliteGrainStorage(databasePath, sp.GetRequiredService<ILogger<SqliteGrainStorage>>()));
        services.AddKeyedSingleton<IGrainStorage>(providerName, (sp, key) => sp.GetRequiredKeyedService<SqliteGrainStorage>(key));
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredKeyedService<SqliteGrainStorage>(providerName));
        services.AddSingleton<SettingControl.Contracts.Storage.IJournalReader>(sp => sp.GetRequiredKeyedService<SqliteGrainStorage>(providerName));
        services.AddSingleton<SettingControl.Contracts.Storage.ILightsUpLatch>(sp => new FileLightsUpLatch(
            Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, "lights-up.latch"),
            sp.GetRequiredService<ILogger<FileLightsUpLatch>>()));
        services.AddSingleton<SettingControl.Contracts.Storage.IStoredStateIndex>(sp => sp.GetRequiredKeyedService<SqliteGrainStorage>(providerName));
        return services;
    }
}
