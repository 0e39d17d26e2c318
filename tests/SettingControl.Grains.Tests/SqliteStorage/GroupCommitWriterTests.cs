using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.Contracts.Storage;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests.SqliteStorage;

public sealed class GroupCommitWriterTests : IDisposable
{
    private readonly SqliteDatabase _database = TestDatabases.New();
    private readonly WriteProblemTracker _problems = new();
    private readonly GroupCommitWriter _writer;

    public GroupCommitWriterTests() => _writer = new GroupCommitWriter(_database, _problems, NullLogger.Instance);

    public void Dispose()
    {
        _writer.Dispose();
        _database.Dispose();
    }

    [Fact]
    public async Task Many_writes_at_once_are_each_answered_once_committed()
    {
        var writes = Enumerable.Range(0, 600).Select(i => TestDatabases.Write($"g{i}", null, $"v{i}")).ToArray();

        var stored = await Task.WhenAll(writes.Select(_writer.WriteAsync));

        Assert.All(stored, Assert.True);
        Assert.Equal(new StoredState(1, "v599"), await TestDatabases.RowOf(_database, "g599"));
    }

    [Fact]
    public async Task A_failed_batch_fails_its_writes_with_a_plain_reason_and_the_next_success_clears_it()
    {
        await _writer.WriteAsync(TestDatabases.Write("g1", null, "v1"));
        await TestDatabases.ExecuteAsync(_database, "DROP TABLE journal");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            _writer.WriteAsync(TestDatabases.Write("g1", 1, "v2", new JournalEntry("s1", 1, "event", "e1"))));

        Assert.Equal("the database refused the write", failure.PlainReason);
        Assert.Equal("the database refused the write", _problems.Current?.PlainReason);
        Assert.Equal(new StoredState(1, "v1"), await TestDatabases.RowOf(_database, "g1"));

        Assert.True(await _writer.WriteAsync(TestDatabases.Write("g1", 1, "v2")));
        Assert.Null(_problems.Current);
    }

    [Fact]
    public async Task After_disposal_a_write_is_refused_as_shutting_down()
    {
        await _writer.WriteAsync(TestDatabases.Write("g1", null, "v1"));
        _writer.Dispose();

        // Refused on the spot, not as a faulted task: the write never reaches the queue.
        Assert.Throws<ObjectDisposedException>(() => { _ = _writer.WriteAsync(TestDatabases.Write("g2", null, "v1")); });
    }
}
