using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SettingControl.Contracts;
using SettingControl.Contracts.Storage;
using SettingControl.Grains.Rooms;

namespace SettingControl.Grains.Tests;

public sealed class StorageFailuresTests
{
    [Fact]
    public void The_plain_reason_is_found_anywhere_in_the_failure_chain()
    {
        var wrapped = new InvalidOperationException("outer", new StorageUnavailableException("the disk is full"));

        Assert.Equal("the disk is full", StorageFailures.PlainReason(wrapped));
        Assert.Equal("the room was changed elsewhere at the same moment; try again", StorageFailures.PlainReason(new Orleans.Storage.InconsistentStateException("etag")));
        Assert.Equal("the database refused the write", StorageFailures.PlainReason(new IOException("boom")));
    }

    [Fact]
    public void A_refusal_tells_the_caller_nothing_was_changed()
    {
        var result = StorageFailures.Refused("the disk is full");

        Assert.Equal(CommandOutcome.StorageUnavailable, result.Outcome);
        Assert.Null(result.Snapshot);
        Assert.Equal(new FieldError("storage", "The change was not saved: the disk is full. Nothing was changed."), Assert.Single(result.Errors));
    }

    [Fact]
    public void The_same_reason_is_logged_whole_once_a_minute_and_quietly_in_between()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var logger = new LevelLogger();
        var log = new StorageFailureLog(logger, time);
        var failure = new IOException("boom");

        log.Log("r1", failure, "the disk is full", "storing failed");
        time.Advance(TimeSpan.FromSeconds(30));
        log.Log("r1", failure, "the disk is full", "storing failed");
        log.Log("r1", failure, "the database refused the write", "storing failed");
        time.Advance(TimeSpan.FromSeconds(61));
        log.Log("r1", failure, "the database refused the write", "storing failed");

        Assert.Equal([LogLevel.Error, LogLevel.Debug, LogLevel.Error, LogLevel.Error], logger.Levels);
    }

    private sealed class LevelLogger : ILogger
    {
        public List<LogLevel> Levels { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Levels.Add(logLevel);
    }
}
