using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// Grain state in one SQLite file. Each state is a JSON document in a row keyed by grain id and state
/// name, with an integer ETag for optimistic concurrency. WAL journaling means a committed write is in
/// the file (or its WAL) before the call returns, so a kill -9 of the host loses nothing it acknowledged.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IStorageHealth, IDisposable
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
            throw injected;
        }

        var write = new PendingWrite(
            grainId.ToString(),
            stateName,
            grainState.ETag is null ? null : long.Parse(grainState.ETag, CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(grainState.State, JsonOptions),
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
        await using var connection = await OpenAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO grain_state (grain_id, state_name, etag, payload, updated_at)
            VALUES ($id, $name, 1, $payload, $now)
            ON CONFLICT (grain_id, state_name) DO NOTHING
            """;
        await using var update = connection.CreateCommand();
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
        var batch = new List<PendingWrite>(MaxBatch);
        var results = new List<bool>(MaxBatch);
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
                await using var transaction = await connection.BeginTransactionAsync();
                var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                foreach (var write in batch)
                {
                    var command = write.ExpectedEtag is null ? insert : update;
                    command.Transaction = (SqliteTransaction)transaction;
                    command.Parameters["$id"].Value = write.GrainId;
                    command.Parameters["$name"].Value = write.StateName;
                    command.Parameters["$payload"].Value = write.Payload;
                    command.Parameters["$now"].Value = now;
                    if (write.ExpectedEtag is { } expected)
                    {
                        command.Parameters["$expected"].Value = expected;
                    }

                    results.Add(await command.ExecuteNonQueryAsync() == 1);
                    write.NewEtag = (write.ExpectedEtag ?? 0) + 1;
                }

                await transaction.CommitAsync();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Grain storage: a batch of {Count} writes failed; none of them was stored", batch.Count);
                foreach (var write in batch)
                {
                    write.Done.TrySetException(ex);
                }

                continue;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
    }

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

    private sealed class PendingWrite(string grainId, string stateName, long? expectedEtag, string payload, TaskCompletionSource<bool> done)
    {
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

    /// <summary>True when the database file can be opened and queried.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM grain_state LIMIT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
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

/// <summary>Lets the host's health check ask storage whether it can serve.</summary>
public interface IStorageHealth
{
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
}
