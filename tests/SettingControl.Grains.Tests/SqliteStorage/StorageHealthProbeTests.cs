using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.Contracts.Storage;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests.SqliteStorage;

public sealed class StorageHealthProbeTests : IDisposable
{
    private readonly SqliteDatabase _database = TestDatabases.New();
    private readonly WriteProblemTracker _problems = new();
    private readonly StorageHealthProbe _probe;

    public StorageHealthProbeTests() => _probe = new StorageHealthProbe(_database, _problems, NullLogger.Instance);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_readable_database_without_write_problems_is_healthy()
    {
        Assert.True(await _probe.IsHealthyAsync(failWrites: null, CancellationToken.None));
        Assert.Null(_problems.Current);
    }

    [Fact]
    public async Task After_a_failed_write_a_successful_probe_write_clears_the_problem()
    {
        _problems.NoteFailure("the disk is full");

        Assert.True(await _probe.IsHealthyAsync(failWrites: null, CancellationToken.None));
        Assert.Null(_problems.Current);
    }

    [Fact]
    public async Task While_writes_still_fail_the_probe_reports_unhealthy_with_the_reason()
    {
        _problems.NoteFailure("the disk is full");

        Assert.False(await _probe.IsHealthyAsync(() => new StorageUnavailableException("the database is read-only"), CancellationToken.None));
        Assert.Equal("the database is read-only", _problems.Current?.PlainReason);

        await TestDatabases.ExecuteAsync(_database, "DROP TABLE storage_probe");
        Assert.False(await _probe.IsHealthyAsync(failWrites: null, CancellationToken.None));
        Assert.Equal("the database refused the write", _problems.Current?.PlainReason);
    }

    [Fact]
    public async Task An_unreadable_database_is_unhealthy()
    {
        await TestDatabases.ExecuteAsync(_database, "DROP TABLE grain_state");

        Assert.False(await _probe.IsHealthyAsync(failWrites: null, CancellationToken.None));
    }
}
