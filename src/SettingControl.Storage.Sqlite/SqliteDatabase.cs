using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// The database file: where it is, and open connections to it. The first connection creates the tables and sets
/// the journaling, once per process, before anyone reads or writes.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_id   TEXT    NOT NULL,
            state_name TEXT    NOT NULL,
            etag       INTEGER NOT NULL,
            payload    TEXT    NOT NULL,
            updated_at TEXT    NOT NULL,
            PRIMARY KEY (grain_id, state_name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal (
            stream     TEXT    NOT NULL,
            sequence   INTEGER NOT NULL,
            kind       TEXT    NOT NULL,
            payload    TEXT    NOT NULL,
            written_at TEXT    NOT NULL,
            PRIMARY KEY (stream, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS storage_probe (
            id         INTEGER PRIMARY KEY,
            written_at TEXT    NOT NULL
        );
        """;

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public SqliteDatabase(string databasePath, ILogger logger)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        FilePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _logger = logger;
    }

    public string FilePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(connection, cancellationToken);
        }

        return connection;
    }

    public void Dispose() => _schemaLock.Dispose();

    private async Task EnsureSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var command = connection.CreateCommand();
            // WAL + NORMAL: a commit is written to the WAL before returning, which survives a process crash;
            // busy_timeout lets concurrent grain writes queue instead of failing.
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; " + Schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _schemaReady = true;
            _logger.LogInformation("Grain storage ready at {Path}", FilePath);
        }
        finally
        {
            _schemaLock.Release();
        }
    }
}
