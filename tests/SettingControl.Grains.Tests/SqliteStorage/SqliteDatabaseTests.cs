using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests.SqliteStorage;

public sealed class SqliteDatabaseTests
{
    [Fact]
    public async Task The_first_connection_makes_the_directory_the_tables_and_write_ahead_logging()
    {
        var path = Path.Combine(Path.GetTempPath(), "settingcontrol-tests", $"dir-{Guid.NewGuid():N}", "nested", "state.db");
        using var database = new SqliteDatabase(path, NullLogger.Instance);
        Assert.True(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.Equal(Path.GetFullPath(path), database.FilePath);

        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        Assert.Equal("grain_state,journal,storage_probe", await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_second_storage_on_the_same_file_keeps_what_the_first_stored()
    {
        using var first = TestDatabases.New();
        await using (var connection = await first.OpenAsync())
        {
            await WriteBatchTransaction.CommitAsync(connection, [TestDatabases.Write("g1", null, "{\"a\":1}")], []);
        }

        using var second = new SqliteDatabase(first.FilePath, NullLogger.Instance);

        Assert.Equal(new StoredState(1, "{\"a\":1}"), await TestDatabases.RowOf(second, "g1"));
    }
}
