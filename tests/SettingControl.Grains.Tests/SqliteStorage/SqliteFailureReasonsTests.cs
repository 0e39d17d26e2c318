using Microsoft.Data.Sqlite;
using SettingControl.Contracts.Storage;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests.SqliteStorage;

public sealed class SqliteFailureReasonsTests
{
    [Theory]
    [InlineData(13, "the disk is full")]
    [InlineData(8, "the database is read-only")]
    [InlineData(10, "the disk cannot be written")]
    [InlineData(778, "the disk cannot be written")] // SQLITE_IOERR_WRITE: an extended code reads as its primary one.
    [InlineData(14, "the database file cannot be opened")]
    [InlineData(5, "the database is busy")]
    [InlineData(6, "the database is busy")]
    [InlineData(11, "the database file is damaged")]
    [InlineData(26, "the database file is damaged")]
    [InlineData(1, "the database refused the write")]
    public void A_sqlite_result_code_reads_as_a_plain_reason(int code, string reason) =>
        Assert.Equal(reason, SqliteFailureReasons.PlainReason(new SqliteException("sqlite", code)));

    [Fact]
    public void Other_failures_read_as_plain_reasons_too()
    {
        Assert.Equal("the disk is full", SqliteFailureReasons.PlainReason(new StorageUnavailableException("the disk is full")));
        Assert.Equal("the disk cannot be written", SqliteFailureReasons.PlainReason(new IOException("eio")));
        Assert.Equal("the data directory cannot be written", SqliteFailureReasons.PlainReason(new UnauthorizedAccessException("denied")));
        Assert.Equal("storage is shutting down", SqliteFailureReasons.PlainReason(new ObjectDisposedException("storage")));
        Assert.Equal("the database refused the write", SqliteFailureReasons.PlainReason(new InvalidOperationException("odd")));
    }
}
