using SettingControl.Grains;
using SettingControl.Host.Security;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Host;

/// <summary>
/// The grain storage providers <c>Storage:Provider</c> can name. Adding one (the cluster's shared database) is one
/// more case here and its project's <c>Add…GrainStorage</c>; it must also supply <c>IStorageHealth</c>,
/// <c>IJournalReader</c>, <c>IStoredStateIndex</c> and <c>ILightsUpLatch</c>, which the sqlite provider shows.
/// </summary>
public static class StorageProviders
{
    public const string Sqlite = "sqlite";

    public static IReadOnlyList<string> Known { get; } = [Sqlite];

    public static void Add(IServiceCollection services, StorageOptions storage)
    {
        switch (storage.Provider.Trim().ToLowerInvariant())
        {
            case Sqlite:
                services.AddSqliteGrainStorage(StorageNames.Default, storage.DatabasePath);
                break;
            default:
                throw new StartupRefusedException(
                    $"SettingControl cannot start: Storage:Provider '{LogValue.Of(storage.Provider)}' is not a storage it knows; use one of: {string.Join(", ", Known)}.");
        }
    }
}
