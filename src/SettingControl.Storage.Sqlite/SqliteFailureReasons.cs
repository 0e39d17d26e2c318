using Microsoft.Data.Sqlite;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

internal static class SqliteFailureReasons
{
    /// <summary>
    /// A plain reason for a failed write, fit for a clinical screen and the readiness probe. SQLite's primary
    /// result codes: 13 full, 8 read-only, 10 I/O error, 14 cannot open, 5/6 busy or locked, 11/26 damaged.
    /// </summary>
    public static string PlainReason(Exception failure) => failure switch
    {
        StorageUnavailableException s => s.PlainReason,
        SqliteException { SqliteErrorCode: var code } => (code & 0xff) switch
        {
            13 => "the disk is full",
            8 => "the database is read-only",
            10 => "the disk cannot be written",
            14 => "the database file cannot be opened",
            5 or 6 => "the database is busy",
            11 or 26 => "the database file is damaged",
            _ => "the database refused the write",
        },
        IOException => "the disk cannot be written",
        UnauthorizedAccessException => "the data directory cannot be written",
        ObjectDisposedException => "storage is shutting down",
        _ => "the database refused the write",
    };
}
