using Npgsql;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Postgres;

internal static class PostgresFailureReasons
{
    /// <summary>
    /// A plain reason for a failed write, fit for a clinical screen and the readiness probe, from PostgreSQL's SQLSTATE
    /// classes: 53 insufficient resources (53100 disk full), 57P01-03 the server shutting down or not taking
    /// connections, 25006 a read-only transaction (a standby), 08 connection failures.
    /// </summary>
    public static string PlainReason(Exception failure) => failure switch
    {
        StorageUnavailableException s => s.PlainReason,
        PostgresException { SqlState: "53100" } => "the database's disk is full",
        PostgresException { SqlState: var state } when state.StartsWith("53", StringComparison.Ordinal) => "the database is out of resources",
        PostgresException { SqlState: "25006" } => "the database is read-only",
        PostgresException { SqlState: var state } when state.StartsWith("57P", StringComparison.Ordinal) => "the database is shutting down or restarting",
        PostgresException { SqlState: var state } when state.StartsWith("08", StringComparison.Ordinal) => "the database cannot be reached",
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException } => "the database cannot be reached",
        NpgsqlException => "the database cannot be reached",
        TimeoutException => "the database is not answering",
        _ => "the database refused the write",
    };
}
