using SettingControl.Contracts.Storage;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// Whether the storage is fit for use: the database file can be opened and queried and the last write succeeded.
/// After a failed write, each check tries a one-row probe write, so readiness comes back as soon as the disk has
/// room again even when no room happens to write.
/// </summary>
internal sealed class StorageHealthProbe(SqliteDatabase database, WriteProblemTracker problems, ILogger logger)
{
    /// <param name="failWrites">The injected storage failure, when a test set one: the probe write fails with it.</param>
    public async Task<bool> IsHealthyAsync(Func<Exception?>? failWrites, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM grain_state LIMIT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            if (problems.Current is null)
            {
                return true;
            }

            if (failWrites?.Invoke() is { } injected)
            {
                problems.NoteFailure(SqliteFailureReasons.PlainReason(injected));
                return false;
            }

            try
            {
                await using var probe = connection.CreateCommand();
                probe.CommandText = "INSERT INTO storage_probe (id, written_at) VALUES (1, $now) ON CONFLICT (id) DO UPDATE SET written_at = $now";
                probe.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await probe.ExecuteNonQueryAsync(cancellationToken);
                problems.NoteSuccess();
                return true;
            }
            catch (SqliteException probeFailure)
            {
                problems.NoteFailure(SqliteFailureReasons.PlainReason(probeFailure));
                return false;
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Grain storage health check failed for {Path}", database.FilePath);
            return false;
        }
    }
}
