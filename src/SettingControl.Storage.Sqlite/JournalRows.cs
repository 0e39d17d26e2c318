using Microsoft.Data.Sqlite;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

/// <summary>Reading a journal stream back (entries are appended by <see cref="WriteBatchTransaction"/>, with their state).</summary>
internal static class JournalRows
{
    /// <summary>Every entry of the stream, in sequence order.</summary>
    public static async Task<IReadOnlyList<JournalEntry>> ReadAsync(SqliteConnection connection, string stream, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, kind, payload FROM journal WHERE stream = $stream ORDER BY sequence";
        command.Parameters.AddWithValue("$stream", stream);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<JournalEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new JournalEntry(stream, reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return entries;
    }
}
