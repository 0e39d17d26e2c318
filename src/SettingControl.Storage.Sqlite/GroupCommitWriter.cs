using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// Group commit: one writer drains every write that is waiting and commits them in one transaction.
/// Under load that turns hundreds of tiny transactions (and SQLite's busy-wait back-off between
/// competing writers) into a few larger ones, while each caller still returns only after its own
/// write is committed, so nothing acknowledged can be lost.
/// </summary>
internal sealed class GroupCommitWriter(SqliteDatabase database, WriteProblemTracker problems, ILogger logger) : IDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _writer;

    /// <summary>
    /// Queues the write; the task completes once the transaction holding it has committed: true when stored,
    /// false when refused for its ETag. A failed transaction fails it with a <see cref="StorageUnavailableException"/>.
    /// </summary>
    public Task<bool> WriteAsync(PendingWrite write)
    {
        EnsureWriter();
        if (!_writes.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteGrainStorage), "Grain storage is shutting down; the write was not made.");
        }

        return write.Done.Task;
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
                connection ??= await database.OpenAsync();
                await WriteBatchTransaction.CommitAsync(connection, batch, results);
            }
            catch (Exception ex)
            {
                var failure = new StorageUnavailableException(SqliteFailureReasons.PlainReason(ex), ex);
                var known = problems.NoteFailure(failure.PlainReason);

                // Rooms retry every second while the disk is full: the first failure is logged whole, the rest briefly.
                if (known)
                {
                    logger.LogDebug("Grain storage: a batch of {Count} writes failed again ({Reason})", batch.Count, failure.PlainReason);
                }
                else
                {
                    logger.LogError(ex, "Grain storage: a batch of {Count} writes failed ({Reason}); none of them was stored", batch.Count, failure.PlainReason);
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

            problems.NoteSuccess();
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
}
