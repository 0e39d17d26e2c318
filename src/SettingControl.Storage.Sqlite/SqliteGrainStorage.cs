using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// Grain state in one SQLite file. Each state is a JSON document in a row keyed by grain id and state
/// name, with an integer ETag for optimistic concurrency. WAL journaling means a committed write is in
/// the file (or its WAL) before the call returns, so a kill -9 of the host loses nothing it acknowledged.
/// A state that is <see cref="IJournaledState"/> brings append-only journal entries (session record events),
/// which are inserted in the same transaction as the state: both are stored or neither is.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IStorageHealth, IJournalReader, IStoredStateIndex, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_id   TEXT    NOT NULL,
            state_name TEXT    NOT NULL,
            etag       INTEGER NOT NULL,
            payload    TEXT    NOT NULL,
            updated_at TEXT    NOT NULL,
            PRIMARY KEY (grain_id, state_name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal (
            stream     TEXT    NOT NULL,
            sequence   INTEGER NOT NULL,
            kind       TEXT    NOT NULL,
            payload    TEXT    NOT NULL,
            written_at TEXT    NOT NULL,
            PRIMARY KEY (stream, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS storage_probe (
            id         INTEGER PRIMARY KEY,
            written_at TEXT    NOT NULL
        );
        """;

    /// <summary>
    /// Grain state as JSON: public read/write properties only (computed, read-only ones are derived
    /// from the stored ones and not stored), enums by name so the file stays readable.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        IgnoreReadOnlyProperties = true,
    };

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private const int MaxBatch = 256;

    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _schemaReady;
    private Task? _writer;
    private volatile StorageWriteProblem? _writeProblem;

    public SqliteGrainStorage(string databasePath, ILogger<SqliteGrainStorage> logger)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _logger = logger;
    }

    public string DatabasePath { get; }

    /// <summary>Test hook: when set, every write throws before touching the file (an injected storage failure).</summary>
    public Func<Exception?>? FailWrites { get; set; }

    /// <summary>Null while writes succeed; otherwise why the last write failed and since when.</summary>
    public StorageWriteProblem? LastWriteProblem => _writeProblem;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var etag = reader.GetInt64(0);
        var payload = reader.GetString(1);
        grainState.State = JsonSerializer.Deserialize<T>(payload, JsonOptions) ?? Activator.CreateInstance<T>();
        grainState.ETag = etag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailWrites?.Invoke() is { } injected)
        {
            var failure = injected as StorageUnavailableException ?? new StorageUnavailableException(PlainReason(injected), injected);
            NoteFailure(failure);
            throw failure;
        }

        var write = new PendingWrite(
            grainId.ToString(),
            stateName,
            grainState.ETag is null ? null : long.Parse(grainState.ETag, CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(grainState.State, JsonOptions),
            grainState.State is IJournaledState journaled ? journaled.UnsavedEntries.ToArray() : [],
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        EnsureWriter();
        if (!_writes.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteGrainStorage), "Grain storage is shutting down; the write was not made.");
        }

        // Returns only once the transaction holding this write has committed.
        if (!await write.Done.Task)
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of grain {grainId} was changed by someone else (expected ETag {grainState.ETag ?? "none"}).",
                storedEtag: null,
                currentEtag: grainState.ETag);
        }

        grainState.ETag = write.NewEtag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <summary>
    /// Group commit: one writer drains every write that is waiting and commits them in one transaction.
    /// Under load that turns hundreds of tiny transactions (and SQLite's busy-wait back-off between
    /// competing writers) into a few larger ones, while each caller still returns only after its own
    /// write is committed, so nothing acknowledged can be lost.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var results = new List<bool>(MaxBatch);
        SqliteConnection? connection = null;
        while (await _writes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            results.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                connection ??= await OpenAsync();
                await CommitBatchAsync(connection, batch, results);
            }
            catch (Exception ex)
            {
                var failure = new StorageUnavailableException(PlainReason(ex), ex);
                var known = _writeProblem?.PlainReason == failure.PlainReason;
                NoteFailure(failure);

                // Rooms retry every second while the disk is full: the first failure is logged whole, the rest briefly.
                if (known)
                {
                    _logger.LogDebug("Grain storage: a batch of {Count} writes failed again ({Reason})", batch.Count, failure.PlainReason);
                }
                else
                {
                    _logger.LogError(ex, "Grain storage: a batch of {Count} writes failed ({Reason}); none of them was stored", batch.Count, failure.PlainReason);
                }
                foreach (var write in batch)
                {
                    write.Done.TrySetException(failure);
                }

                // A connection that failed mid-transaction (a full disk, a vanished file) is not trusted again,
                // and not handed back to the pool either.
                if (connection is not null)
                {
                    SqliteConnection.ClearPool(connection);
                    await connection.DisposeAsync();
                    connection = null;
                }

                continue;
            }

            _writeProblem = null;
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task CommitBatchAsync(SqliteConnection connection, List<PendingWrite> batch, List<bool> results)
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

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
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

    public async Task<bool> HasStateAsync(string grainId, string stateName, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId);
        command.Parameters.AddWithValue("$name", stateName);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// A plain reason for a failed write, fit for a clinical screen and the readiness probe. SQLite's primary
    /// result codes: 13 full, 8 read-only, 10 I/O error, 14 cannot open, 5/6 busy or locked, 11/26 damaged.
    /// </summary>
    public static string PlainReason(Exception failure) => failure switch
    {
        StorageUnavailableException s => s.PlainReason,
        SqliteException { SqliteErrorCode: var code } => (code & 0xff) switch
        {
            13 => "the disk is full",
            8 => "the database is read-only",
            10 => "the disk cannot be written",
            14 => "the database file cannot be opened",
            5 or 6 => "the database is busy",
            11 or 26 => "the database file is damaged",
            _ => "the database refused the write",
        },
        IOException => "the disk cannot be written",
        UnauthorizedAccessException => "the data directory cannot be written",
        ObjectDisposedException => "storage is shutting down",
        _ => "the database refused the write",
    };

    private void NoteFailure(StorageUnavailableException failure) =>
        _writeProblem = _writeProblem is { } known && known.PlainReason == failure.PlainReason
            ? known
            : new StorageWriteProblem(failure.PlainReason, DateTimeOffset.UtcNow);

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_writes)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private sealed class PendingWrite(string grainId, string stateName, long? expectedEtag, string payload, JournalEntry[] entries, TaskCompletionSource<bool> done)
    {
        public JournalEntry[] Entries { get; } = entries;

        public string GrainId { get; } = grainId;

        public string StateName { get; } = stateName;

        public long? ExpectedEtag { get; } = expectedEtag;

        public string Payload { get; } = payload;

        public TaskCompletionSource<bool> Done { get; } = done;

        public long NewEtag { get; set; }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        await command.ExecuteNonQueryAsync();
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    /// <summary>
    /// True when the database file can be opened and queried and the last write succeeded. After a failed write,
    /// each check tries a one-row probe write, so readiness comes back as soon as the disk has room again even
    /// when no room happens to write.
    /// </summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM grain_state LIMIT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            if (_writeProblem is null)
            {
                return true;
            }

            if (FailWrites?.Invoke() is { } injected)
            {
                NoteFailure(new StorageUnavailableException(PlainReason(injected), injected));
                return false;
            }

            try
            {
                await using var probe = connection.CreateCommand();
                probe.CommandText = "INSERT INTO storage_probe (id, written_at) VALUES (1, $now) ON CONFLICT (id) DO UPDATE SET written_at = $now";
                probe.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await probe.ExecuteNonQueryAsync(cancellationToken);
                _writeProblem = null;
                return true;
            }
            catch (SqliteException probeFailure)
            {
                NoteFailure(new StorageUnavailableException(PlainReason(probeFailure), probeFailure));
                return false;
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
        {
            _logger.LogWarning(ex, "Grain storage health check failed for {Path}", DatabasePath);
            return false;
        }
    }

    public void Dispose()
    {
        _writes.Writer.TryComplete();
        try
        {
            _writer?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop logs its own failures; disposal must not throw.
        }

        _schemaLock.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(connection, cancellationToken);
        }

        return connection;
    }

    private async Task EnsureSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var command = connection.CreateCommand();
            // WAL + NORMAL: a commit is written to the WAL before returning, which survives a process crash;
            // busy_timeout lets concurrent grain writes queue instead of failing.
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; " + Schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _schemaReady = true;
            _logger.LogInformation("Grain storage ready at {Path}", DatabasePath);
        }
        finally
        {
            _schemaLock.Release();
        }
    }
}
