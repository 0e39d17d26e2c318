using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace SettingControl.Storage.Postgres;

/// <summary>What <see cref="PostgresSchema.CheckAsync"/> found: whether this node may start on the database, and why not.</summary>
public sealed record SchemaCheck(bool Ready, string? Problem)
{
    public static SchemaCheck Current { get; } = new(true, null);
}

/// <summary>
/// The database schema a cluster runs on, as an ordered list of steps: Orleans' own ADO.NET scripts for clustering and
/// reminders, then the project's tables. <see cref="MigrateAsync"/> applies the steps a database has not had yet, each
/// in its own transaction together with the row that records it, so running it twice changes nothing;
/// <see cref="CheckAsync"/> is what a node asks before it starts. A step once shipped is never edited: an upgrade is a
/// new step at the end.
/// </summary>
public static class PostgresSchema
{
    /// <summary>Every step, in the order it is applied. The names are the embedded SQL files.</summary>
    public static IReadOnlyList<string> Steps { get; } =
    [
        "orleans/PostgreSQL-Main.sql",
        "orleans/PostgreSQL-Clustering.sql",
        "orleans/PostgreSQL-Reminders.sql",
        "settingcontrol/001-grain-state.sql",
        "settingcontrol/002-sign-in-keys.sql",
        "settingcontrol/003-kept-documents.sql",
    ];

    // Any number, the same on every node: two `migrate` runs at once take turns instead of both creating tables.
    private const long MigrationLockKey = 0x5365_7474_696E_67;

    private const string HistoryTable = """
        CREATE TABLE IF NOT EXISTS settingcontrol_schema
        (
            step       text        NOT NULL PRIMARY KEY,
            sha256     text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>Applies every step the database lacks; returns the steps applied now (none on a current database).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, HistoryTable, cancellationToken);
            var applied = await AppliedAsync(connection, cancellationToken);
            if (Problem(applied, requireAll: false) is { } problem)
            {
                throw new InvalidOperationException(problem);
            }

            var now = new List<string>();
            foreach (var step in Steps.Where(s => !applied.ContainsKey(s)))
            {
                var sql = Script(step);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, sql, cancellationToken);
                await using var record = new NpgsqlCommand("INSERT INTO settingcontrol_schema (step, sha256) VALUES (@step, @sha)", connection, transaction);
                record.Parameters.AddWithValue("step", step);
                record.Parameters.AddWithValue("sha", Hash(sql));
                await record.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                now.Add(step);
            }

            return now;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    /// <summary>Whether the database holds exactly the schema this build knows; otherwise one plain line saying what to do.</summary>
    public static async Task<SchemaCheck> CheckAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('settingcontrol_schema') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return new SchemaCheck(false, "the database has no SettingControl schema yet; run `migrate` with the same configuration first");
        }

        var problem = Problem(await AppliedAsync(connection, cancellationToken), requireAll: true);
        return problem is null ? SchemaCheck.Current : new SchemaCheck(false, problem);
    }

    private static string? Problem(IReadOnlyDictionary<string, string> applied, bool requireAll)
    {
        if (applied.Keys.FirstOrDefault(step => !Steps.Contains(step)) is { } unknown)
        {
            return $"the database's schema has a step this node does not know ({unknown}): it was upgraded by a newer SettingControl; upgrade this node";
        }

        if (applied.FirstOrDefault(a => a.Value != Hash(Script(a.Key))) is { Key: not null } changed)
        {
            return $"the database's schema step {changed.Key} differs from this node's copy; the schema scripts were edited after they were applied";
        }

        if (requireAll && Steps.FirstOrDefault(step => !applied.ContainsKey(step)) is { } missing)
        {
            return $"the database's schema is older than this node ({missing} is missing); run `migrate` with the same configuration first";
        }

        return null;
    }

    private static async Task<Dictionary<string, string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT step, sha256 FROM settingcontrol_schema", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetString(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static string Script(string step)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(step)
            ?? throw new InvalidOperationException($"The schema step {step} is not embedded in this build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Hash(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
}
