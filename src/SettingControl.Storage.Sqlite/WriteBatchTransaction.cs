using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// A batch of state writes in one transaction. A state not stored yet is inserted with ETag 1; a stored one is
/// updated only while its ETag is still the one the writer read, and then gets the next one. A write that is
/// stored also stores its journal entries, in the same transaction.
/// </summary>
internal static class WriteBatchTransaction
{
    /// <param name="results">Receives, in batch order, whether each write was stored (false: refused for its ETag).</param>
    public static async Task CommitAsync(SqliteConnection connection, IReadOnlyList<PendingWrite> batch, List<bool> results)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO grain_state (grain_id, state_name, etag, payload, updated_at)
            VALUES ($id, $name, 1, $payload, $now)
            ON CONFLICT (grain_id, state_name) DO NOTHING
            """;
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE grain_state SET etag = $expected + 1, payload = $payload, updated_at = $now
            WHERE grain_id = $id AND state_name = $name AND etag = $expected
            """;
        foreach (var command in new[] { insert, update })
        {
            command.Parameters.Add("$id", SqliteType.Text);
            command.Parameters.Add("$name", SqliteType.Text);
            command.Parameters.Add("$payload", SqliteType.Text);
            command.Parameters.Add("$now", SqliteType.Text);
        }

        update.Parameters.Add("$expected", SqliteType.Integer);
        await using var append = connection.CreateCommand();
        append.Transaction = transaction;

        // An entry is written once; the same (stream, sequence) again is the same entry retried, never a rewrite.
        append.CommandText = """
            INSERT INTO journal (stream, sequence, kind, payload, written_at)
            VALUES ($stream, $sequence, $kind, $payload, $now)
            ON CONFLICT (stream, sequence) DO NOTHING
            """;
        append.Parameters.Add("$stream", SqliteType.Text);
        append.Parameters.Add("$sequence", SqliteType.Integer);
        append.Parameters.Add("$kind", SqliteType.Text);
        append.Parameters.Add("$payload", SqliteType.Text);
        append.Parameters.Add("$now", SqliteType.Text);

        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach (var write in batch)
        {
            var command = write.ExpectedEtag is null ? insert : update;
            command.Parameters["$id"].Value = write.GrainId;
            command.Parameters["$name"].Value = write.StateName;
            command.Parameters["$payload"].Value = write.Payload;
            command.Parameters["$now"].Value = now;
            if (write.ExpectedEtag is { } expected)
            {
                command.Parameters["$expected"].Value = expected;
            }

            var stored = await command.ExecuteNonQueryAsync() == 1;
            results.Add(stored);
            write.NewEtag = (write.ExpectedEtag ?? 0) + 1;

            // Entries belong to the state that carried them: a write refused for its ETag stores none of them.
            if (stored)
            {
                foreach (var entry in write.Entries)
                {
                    append.Parameters["$stream"].Value = entry.Stream;
                    append.Parameters["$sequence"].Value = entry.Sequence;
                    append.Parameters["$kind"].Value = entry.Kind;
                    append.Parameters["$payload"].Value = entry.Payload;
                    append.Parameters["$now"].Value = now;
                    await append.ExecuteNonQueryAsync();
                }
            }
        }

        await transaction.CommitAsync();
    }
}
