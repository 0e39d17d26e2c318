using System.Globalization;
using System.Text.Json;
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
/// This class is the face Orleans and the host see; the file and its schema are <see cref="SqliteDatabase"/>,
/// writes are group-committed by <see cref="GroupCommitWriter"/>, and readiness is <see cref="StorageHealthProbe"/>.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IStorageHealth, IJournalReader, IStoredStateIndex, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly WriteProblemTracker _problems = new();
    private readonly GroupCommitWriter _writer;
    private readonly StorageHealthProbe _health;

    public SqliteGrainStorage(string databasePath, ILogger<SqliteGrainStorage> logger)
    {
        _database = new SqliteDatabase(databasePath, logger);
        _writer = new GroupCommitWriter(_database, _problems, logger);
        _health = new StorageHealthProbe(_database, _problems, logger);
    }

    public string DatabasePath => _database.FilePath;

    /// <summary>Test hook: when set, every write throws before touching the file (an injected storage failure).</summary>
    public Func<Exception?>? FailWrites { get; set; }

    /// <summary>Null while writes succeed; otherwise why the last write failed and since when.</summary>
    public StorageWriteProblem? LastWriteProblem => _problems.Current;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await _database.OpenAsync();
        if (await GrainStateRows.ReadAsync(connection, grainId.ToString(), stateName) is not { } stored)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(stored.Payload, StorageJson.Options) ?? Activator.CreateInstance<T>();
        grainState.ETag = stored.Etag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailWrites?.Invoke() is { } injected)
        {
            var failure = injected as StorageUnavailableException ?? new StorageUnavailableException(SqliteFailureReasons.PlainReason(injected), injected);
            _problems.NoteFailure(failure.PlainReason);
            throw failure;
        }

        var write = new PendingWrite(
            grainId.ToString(),
            stateName,
            grainState.ETag is null ? null : long.Parse(grainState.ETag, CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(grainState.State, StorageJson.Options),
            grainState.State is IJournaledState journaled ? journaled.UnsavedEntries.ToArray() : [],
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

        // Returns only once the transaction holding this write has committed.
        if (!await _writer.WriteAsync(write))
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of grain {grainId} was changed by someone else (expected ETag {grainState.ETag ?? "none"}).",
                storedEtag: null,
                currentEtag: grainState.ETag);
        }

        grainState.ETag = write.NewEtag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await _database.OpenAsync();
        await GrainStateRows.DeleteAsync(connection, grainId.ToString(), stateName);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await JournalRows.ReadAsync(connection, stream, cancellationToken);
    }

    public async Task<bool> HasStateAsync(string grainId, string stateName, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await GrainStateRows.ExistsAsync(connection, grainId, stateName, cancellationToken);
    }

    /// <inheritdoc cref="StorageHealthProbe"/>
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => _health.IsHealthyAsync(FailWrites, cancellationToken);

    public void Dispose()
    {
        _writer.Dispose();
        _database.Dispose();
    }
}
