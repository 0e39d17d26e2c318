using System.Text.Json;
using System.Text.Json.Serialization;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// Stored state as JSON (grain state rows and the Lights up latch file): public read/write properties only
/// (computed, read-only ones are derived from the stored ones and not stored), enums by name so the file stays readable.
/// </summary>
internal static class StorageJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        IgnoreReadOnlyProperties = true,
    };
}
