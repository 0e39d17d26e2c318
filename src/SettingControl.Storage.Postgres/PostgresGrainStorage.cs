using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Postgres;

/// <summary>
/// Grain state in PostgreSQL, shared by every node of a cluster. Each state is a JSON document in a row keyed by grain
/// id and state name, with an integer ETag for optimistic concurrency: a write that expected another ETag is refused,
/// so two activations of one room (on two nodes, for a moment after a failure) cannot both have their way. A state
/// that is <see cref="IJournaledState"/> brings its record entries, inserted in the same transaction: both are stored
/// or neither is, and a write returns only after PostgreSQL has committed it.
/// </summary>
public sealed class PostgresGrainStorage(NpgsqlDataSource database, ILogger<PostgresGrainStorage> logger)
    : IGrainStorage, IStorageHealth, IJournalReader, IStoredStateIndex
{
    private readonly WriteProblemTracker _problems = new();

    public StorageWriteProblem? LastWriteProblem => _problems.Current;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var command = database.CreateCommand("SELECT etag, payload FROM settingcontrol_grain_state WHERE grain_id = @id AND state_name = @name");
        command.Parameters.AddWithValue("id", grainId.ToString());
        command.Parameters.AddWithValue("name", stateName);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.ETag = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
        grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(1), StoredStateJson.Options) ?? Activator.CreateInstance<T>();
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = grainState.ETag is null ? (long?)null : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var payload = JsonSerializer.Serialize(grainState.State, StoredStateJson.Options);
        var entries = grainState.State is IJournaledState journaled ? journaled.UnsavedEntries.ToArray() : [];
        long written;
        try
        {
            await using var connection = await database.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            written = await WriteRowAsync(connection, transaction, grainId.ToString(), stateName, expected, payload);
            if (written > 0 && entries.Length > 0)
            {
                await AppendAsync(connection, transaction, entries);
            }

            await transaction.CommitAsync();
            _problems.NoteSuccess();
        }
        catch (Exception failure) when (failure is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            var reason = PostgresFailureReasons.PlainReason(failure);
            if (!_problems.NoteFailure(reason))
            {
                logger.LogError(failure, "Grain storage refused a write: {Reason}", reason);
            }

            throw new StorageUnavailableException(reason, failure);
        }

        if (written == 0)
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of grain {grainId} was changed by someone else (expected ETag {grainState.ETag ?? "none"}).",
                storedEtag: null,
                currentEtag: grainState.ETag);
        }

        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <summary>Inserts the first version or updates the expected one; the new ETag, or 0 when the stored one was another.</summary>
    private static async Task<long> WriteRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string grainId, string stateName, long? expected, string payload)
    {
        await using var command = expected is null
            ? new NpgsqlCommand("""
                INSERT INTO settingcontrol_grain_state (grain_id, state_name, etag, payload) VALUES (@id, @name, 1, @payload)
                ON CONFLICT (grain_id, state_name) DO NOTHING
                RETURNING etag
                """, connection, transaction)
            : new NpgsqlCommand("""
                UPDATE settingcontrol_grain_state SET etag = etag + 1, payload = @payload, written_at = now()
                WHERE grain_id = @id AND state_name = @name AND etag = @expected
                RETURNING etag
                """, connection, transaction);
        command.Parameters.AddWithValue("id", grainId);
        command.Parameters.AddWithValue("name", stateName);
        command.Parameters.AddWithValue("payload", payload);
        if (expected is { } etag)
        {
            command.Parameters.AddWithValue("expected", etag);
        }

        return await command.ExecuteScalarAsync() is long written ? written : 0;
    }

    private static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<JournalEntry> entries)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch)
        {
            foreach (var entry in entries)
            {
                // An entry is never rewritten: one already stored (a write retried after its commit) stays as it was.
                var insert = new NpgsqlBatchCommand("INSERT INTO settingcontrol_journal (stream, sequence, kind, payload) VALUES (@stream, @sequence, @kind, @payload) ON CONFLICT (stream, sequence) DO NOTHING");
                insert.Parameters.AddWithValue("stream", entry.Stream);
                insert.Parameters.AddWithValue("sequence", entry.Sequence);
                insert.Parameters.AddWithValue("kind", entry.Kind);
                insert.Parameters.AddWithValue("payload", entry.Payload);
                batch.BatchCommands.Add(insert);
            }

            await batch.ExecuteNonQueryAsync();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var command = database.CreateCommand("DELETE FROM settingcontrol_grain_state WHERE grain_id = @id AND state_name = @name");
        command.Parameters.AddWithValue("id", grainId.ToString());
        command.Parameters.AddWithValue("name", stateName);
        await command.ExecuteNonQueryAsync();
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("SELECT sequence, kind, payload FROM settingcontrol_journal WHERE stream = @stream ORDER BY sequence");
        command.Parameters.AddWithValue("stream", stream);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<JournalEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new JournalEntry(stream, reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return entries;
    }

    public async Task<bool> HasStateAsync(string grainId, string stateName, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("SELECT 1 FROM settingcontrol_grain_state WHERE grain_id = @id AND state_name = @name");
        command.Parameters.AddWithValue("id", grainId);
        command.Parameters.AddWithValue("name", stateName);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Whether the database answers; after a failed write, a one-row probe write decides, so readiness comes back as
    /// soon as the database takes writes again even when no room happens to write.
    /// </summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _problems.Current is null
                ? database.CreateCommand("SELECT 1")
                : database.CreateCommand("INSERT INTO settingcontrol_storage_probe (id, written_at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET written_at = now()");
            await command.ExecuteNonQueryAsync(cancellationToken);
            _problems.NoteSuccess();
            return true;
        }
        catch (Exception failure) when (failure is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            _problems.NoteFailure(PostgresFailureReasons.PlainReason(failure));
            logger.LogWarning("Grain storage health check failed: {Reason}", PostgresFailureReasons.PlainReason(failure));
            return false;
        }
    }
}
