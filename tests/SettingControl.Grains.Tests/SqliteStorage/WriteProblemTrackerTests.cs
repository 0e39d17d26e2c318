using Microsoft.Extensions.Time.Testing;
using SettingControl.Contracts.Storage;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests.SqliteStorage;

public sealed class WriteProblemTrackerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_repeated_failure_keeps_its_first_moment_and_a_new_reason_starts_again()
    {
        var problems = new WriteProblemTracker(_clock);
        var first = _clock.GetUtcNow();

        Assert.False(problems.NoteFailure("the disk is full"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(problems.NoteFailure("the disk is full"));
        Assert.Equal(new StorageWriteProblem("the disk is full", first), problems.Current);

        Assert.False(problems.NoteFailure("the database is read-only"));
        Assert.Equal(new StorageWriteProblem("the database is read-only", _clock.GetUtcNow()), problems.Current);
    }

    [Fact]
    public void A_success_clears_the_problem()
    {
        var problems = new WriteProblemTracker(_clock);
        Assert.Null(problems.Current);

        problems.NoteFailure("the disk is full");
        problems.NoteSuccess();

        Assert.Null(problems.Current);
        Assert.False(problems.NoteFailure("the disk is full"));
    }
}
