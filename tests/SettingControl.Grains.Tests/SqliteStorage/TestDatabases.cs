using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.Contracts.Storage;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests.SqliteStorage;

internal static class TestDatabases
{
    /// <summary>A database in a fresh file of its own (no tables until the first connection).</summary>
    public static SqliteDatabase New() => new(RoomCluster.NewDatabasePath(), NullLogger.Instance);

    public static PendingWrite Write(string grainId, long? expectedEtag, string payload, params JournalEntry[] entries) =>
        new(grainId, "state", expectedEtag, payload, entries, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

    public static async Task<StoredState?> RowOf(SqliteDatabase database, string grainId)
    {
        await using var connection = await database.OpenAsync();
        return await GrainStateRows.ReadAsync(connection, grainId, "state");
    }

    public static async Task<IReadOnlyList<JournalEntry>> JournalOf(SqliteDatabase database, string stream)
    {
        await using var connection = await database.OpenAsync();
        return await JournalRows.ReadAsync(connection, stream, CancellationToken.None);
    }

    /// <summary>Runs SQL beside the storage, as another process (or a damaged file) would.</summary>
    public static async Task ExecuteAsync(SqliteDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
