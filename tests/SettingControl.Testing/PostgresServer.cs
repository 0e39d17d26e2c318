using System.Diagnostics;
using Npgsql;

namespace SettingControl.Testing;

/// <summary>
/// A private PostgreSQL (Debian's <c>postgresql</c>, installed by test.sh) for this test run: its own data directory
/// under the temp directory, its own free loopback port, started once on first use and stopped when the test process
/// ends (test.sh also stops any a crashed run left behind). CI runs as root, which PostgreSQL refuses to run as, so
/// there the server runs as the <c>postgres</c> user. test.sh starts one and names it in <c>SETTINGCONTROL_TEST_POSTGRES</c>;
/// without it (a lone <c>dotnet test</c>), the first test to ask starts its own. Each test takes a database of its own (<see cref="NewDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer
{
    /// <summary>Names the data directories, so test.sh can find a server a crashed run left running.</summary>
    public const string DirectoryPrefix = "settingcontrol-test-pg-";

    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(StartAsync);

    private readonly string _directory;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server test.sh started (<c>SETTINGCONTROL_TEST_POSTGRES</c>), or else one of this process's own.</summary>
    public static Task<PostgresServer> SharedAsync() => SharedServer.Value;

    private string? _adminConnectionString;

    /// <summary>An empty database of its own on the shared server; its Npgsql connection string.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(_adminConnectionString ?? ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return _adminConnectionString is null
            ? ConnectionString(name)
            : new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>A database of its own with the schema <c>migrate</c> applies, as a cluster's nodes expect it.</summary>
    public async Task<string> NewMigratedDatabaseAsync()
    {
        var database = await NewDatabaseAsync();
        await SettingControl.Storage.Postgres.PostgresSchema.MigrateAsync(database);
        return database;
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=10;Command Timeout=30";

    private static Task<PostgresServer> StartAsync() =>
        Environment.GetEnvironmentVariable("SETTINGCONTROL_TEST_POSTGRES") is { Length: > 0 } given
            ? Task.FromResult(new PostgresServer(string.Empty, new NpgsqlConnectionStringBuilder(given).Port) { _adminConnectionString = given })
            : StartOwnAsync();

    private static string BinDirectory =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0).FirstOrDefault()
              ?? throw new InvalidOperationException("PostgreSQL's initdb is not installed (test.sh installs Debian's postgresql).")
            : throw new InvalidOperationException("PostgreSQL is not installed (test.sh installs Debian's postgresql).");

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task<PostgresServer> StartOwnAsync()
    {
        var bin = BinDirectory;
        var directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(directory);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", directory);
        }

        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-instructions");
        var port = FreePorts.Next();
        var server = new PostgresServer(directory, port);
        await RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private void Stop()
    {
        try
        {
            RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop").GetAwaiter().GetResult();
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception failure) when (failure is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // The process is ending; test.sh stops what is left.
        }
    }

    private static Task RunAsPostgresAsync(string program, params string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }
}
