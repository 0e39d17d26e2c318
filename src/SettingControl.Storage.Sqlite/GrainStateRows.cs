using Microsoft.Data.Sqlite;

namespace SettingControl.Storage.Sqlite;

/// <summary>A stored state as it is in its row: the JSON document and its ETag.</summary>
internal readonly record struct StoredState(long Etag, string Payload);

/// <summary>The reads and the delete of one grain's state row (writes go through <see cref="WriteBatchTransaction"/>).</summary>
internal static class GrainStateRows
{
    /// <summary>The stored state, or null when the grain has none of that name.</summary>
    public static async Task<StoredState?> ReadAsync(SqliteConnection connection, string grainId, string stateName)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId);
        command.Parameters.AddWithValue("$name", stateName);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new StoredState(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public static async Task<bool> ExistsAsync(SqliteConnection connection, string grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId);
        command.Parameters.AddWithValue("$name", stateName);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public static async Task DeleteAsync(SqliteConnection connection, string grainId, string stateName)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId);
        command.Parameters.AddWithValue("$name", stateName);
        await command.ExecuteNonQueryAsync();
    }
}
