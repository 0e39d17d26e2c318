using System.Text.Json;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

/// <summary>Stored state as JSON (grain state rows and the Lights up latch file): the shared <see cref="StoredStateJson"/> contract.</summary>
internal static class StorageJson
{
    public static JsonSerializerOptions Options => StoredStateJson.Options;
}
