using SettingControl.Contracts.Storage;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests.SqliteStorage;

public sealed class WriteBatchTransactionTests : IDisposable
{
    private readonly SqliteDatabase _database = TestDatabases.New();

    public void Dispose() => _database.Dispose();

    private async Task<List<bool>> Commit(params PendingWrite[] batch)
    {
        var results = new List<bool>();
        await using var connection = await _database.OpenAsync();
        await WriteBatchTransaction.CommitAsync(connection, batch, results);
        return results;
    }

    [Fact]
    public async Task A_new_state_gets_etag_1_and_each_update_the_next_one()
    {
        var created = TestDatabases.Write("g1", null, "v1");
        Assert.Equal([true], await Commit(created));
        Assert.Equal(1, created.NewEtag);

        var updated = TestDatabases.Write("g1", 1, "v2");
        Assert.Equal([true], await Commit(updated));
        Assert.Equal(2, updated.NewEtag);
        Assert.Equal(new StoredState(2, "v2"), await TestDatabases.RowOf(_database, "g1"));
    }

    [Fact]
    public async Task A_stale_etag_or_a_second_create_is_refused_and_changes_nothing()
    {
        await Commit(TestDatabases.Write("g1", null, "v1"), TestDatabases.Write("g1", 1, "v2"));

        Assert.Equal([false, false], await Commit(TestDatabases.Write("g1", 1, "stale"), TestDatabases.Write("g1", null, "again")));
        Assert.Equal(new StoredState(2, "v2"), await TestDatabases.RowOf(_database, "g1"));
    }

    [Fact]
    public async Task Journal_entries_are_stored_with_their_state_once_and_not_at_all_when_it_is_refused()
    {
        var first = new JournalEntry("s1", 1, "event", "e1");
        var second = new JournalEntry("s1", 2, "event", "e2");
        await Commit(TestDatabases.Write("g1", null, "v1", first));

        var results = await Commit(
            TestDatabases.Write("g1", 1, "v2", first with { Payload = "retried" }, second),
            TestDatabases.Write("g1", 1, "stale", new JournalEntry("s1", 3, "event", "lost")));

        Assert.Equal([true, false], results);
        Assert.Equal([first, second], await TestDatabases.JournalOf(_database, "s1"));
    }
}
