using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Storage.Postgres;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The cluster's database on a real PostgreSQL (a private server of this test run): <c>migrate</c> creates the schema
/// and a second run changes nothing, a node refuses a database it does not know or an embedded broker with one line,
/// and a node on PostgreSQL and Mosquitto keeps every acknowledged change and record entry across a restart.
/// </summary>
public sealed class ClusterDatabaseTests(ITestOutputHelper output)
{
    private static Dictionary<string, string> ClusterSettings(string connectionString) => new()
    {
        ["Cluster:Provider"] = "PostgreSQL",
        ["ConnectionStrings:SettingControl"] = connectionString,
    };

    [Fact]
    public async Task Migrate_creates_the_schema_and_a_second_run_changes_nothing()
    {
        var database = await (await PostgresServer.SharedAsync()).NewDatabaseAsync();

        var first = await RunMigrateAsync(database);
        output.WriteLine(first.Output);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains($"Applied {PostgresSchema.Steps.Count} schema step(s)", first.Output);
        var tables = await TablesAsync(database);
        foreach (var table in new[] { "orleansquery", "orleansmembershiptable", "orleansmembershipversiontable", "orleansreminderstable", "settingcontrol_grain_state", "settingcontrol_journal", "settingcontrol_schema" })
        {
            Assert.Contains(table, tables);
        }

        var before = await ScalarAsync<string>(database, "SELECT string_agg(step || ' ' || applied_at, ', ' ORDER BY step) FROM settingcontrol_schema");
        var queries = await ScalarAsync<long>(database, "SELECT count(*) FROM orleansquery");

        var second = await RunMigrateAsync(database);
        output.WriteLine(second.Output);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("nothing changed", second.Output);
        Assert.Equal(before, await ScalarAsync<string>(database, "SELECT string_agg(step || ' ' || applied_at, ', ' ORDER BY step) FROM settingcontrol_schema"));
        Assert.Equal(queries, await ScalarAsync<long>(database, "SELECT count(*) FROM orleansquery"));
        Assert.Equal(tables, await TablesAsync(database));
    }

    [Fact]
    public async Task A_node_refuses_a_database_it_does_not_know_and_the_embedded_broker_with_one_line()
    {
        var server = await PostgresServer.SharedAsync();
        var external = new[] { "--Mqtt:Mode=External", "--Mqtt:Host=127.0.0.1", "--Mqtt:Username=controller", "--Mqtt:Password=not-needed-here" };

        var fresh = await server.NewDatabaseAsync();
        var unmigrated = await RefusedStart.RunAsync("on a database without the schema", HostUnderTest.NewDataDirectory(), [.. Args(fresh), .. external]);
        Assert.Equal(2, unmigrated.ExitCode);
        Assert.Equal(["SettingControl cannot start: the database has no SettingControl schema yet; run `migrate` with the same configuration first."], unmigrated.ErrorLines);

        var newer = await server.NewDatabaseAsync();
        await PostgresSchema.MigrateAsync(newer);
        await ExecuteAsync(newer, "INSERT INTO settingcontrol_schema (step, sha256) VALUES ('settingcontrol/900-from-a-newer-release.sql', 'x')");
        var upgraded = await RefusedStart.RunAsync("on a database a newer release upgraded", HostUnderTest.NewDataDirectory(), [.. Args(newer), .. external]);
        Assert.Equal(2, upgraded.ExitCode);
        Assert.Single(upgraded.ErrorLines);
        Assert.Contains("upgrade this node", upgraded.ErrorLines[0]);

        var current = await server.NewDatabaseAsync();
        await PostgresSchema.MigrateAsync(current);
        var embedded = await RefusedStart.RunAsync("in a PostgreSQL cluster with the embedded broker", HostUnderTest.NewDataDirectory(), Args(current));
        Assert.Equal(2, embedded.ExitCode);
        Assert.Single(embedded.ErrorLines);
        Assert.Contains("needs Mqtt:Mode=External", embedded.ErrorLines[0]);

        var missing = await RefusedStart.RunAsync("in a PostgreSQL cluster without a connection string", HostUnderTest.NewDataDirectory(), ["--Cluster:Provider=PostgreSQL", .. external]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(["SettingControl cannot start: Cluster:Provider is PostgreSQL but ConnectionStrings:SettingControl is not set (an Npgsql connection string)."], missing.ErrorLines);

        static string[] Args(string connectionString) => ["--Cluster:Provider=PostgreSQL", $"--ConnectionStrings:SettingControl={connectionString}"];
    }

    [Fact]
    public async Task A_node_on_PostgreSQL_and_Mosquitto_drives_the_room_and_keeps_every_acknowledged_change_across_a_restart()
    {
        var database = await (await PostgresServer.SharedAsync()).NewMigratedDatabaseAsync();
        var accounts = new BrokerAccounts(rooms: 1);
        await using var mosquitto = await MosquittoBroker.StartAsync(accounts);
        await using var fleet = new SettingControl.FirmwareSim.DeviceFleet(accounts.Devices(1, mosquitto.Port));
        await fleet.StartAllAsync();
        var settings = accounts.ExternalBrokerSettings();
        foreach (var (key, value) in ClusterSettings(database))
        {
            settings[key] = value;
        }

        var data = HostUnderTest.NewDataDirectory();
        string sessionId;
        await using (var first = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, dataDirectory: data, mqttPort: mosquitto.Port, extra: settings))
        {
            await Eventually.TrueAsync(async () => (await first.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"), TimeSpan.FromSeconds(30), "room-1's devices online through Mosquitto");
            var started = await first.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "on PostgreSQL" });
            started.EnsureSuccessStatusCode();
            sessionId = (await started.Content.ReadFromJsonAsync<SessionStarted>())!.SessionId;
            (await first.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 23, colorTempK = 2300, transitionMs = 0 })).EnsureSuccessStatusCode();
            (await first.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = "stored in PostgreSQL" })).EnsureSuccessStatusCode();
            await Eventually.TrueAsync(
                async () => (await first.GetRoomAsync("room-1")).Devices.Where(d => d.Kind == "light").All(d => d.Actual is { On: true, Brightness: 23, ColorTempK: 2300 }),
                TimeSpan.FromSeconds(20),
                "both lights at 23 % through Mosquitto");
        }

        // The room's state and its record are rows in the database, not in the node's data directory.
        Assert.True(await ScalarAsync<long>(database, "SELECT count(*) FROM settingcontrol_grain_state WHERE grain_id LIKE '%room-1%'") >= 1);
        Assert.True(await ScalarAsync<long>(database, "SELECT count(*) FROM settingcontrol_journal") >= 3);
        Assert.False(File.Exists(Path.Combine(data, "settingcontrol.db")), "a PostgreSQL node keeps no SQLite database");

        var restart = Stopwatch.StartNew();
        await using var second = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, dataDirectory: HostUnderTest.NewDataDirectory(), mqttPort: mosquitto.Port, extra: settings);
        output.WriteLine($"a second node on the same database answered healthy {restart.ElapsedMilliseconds} ms after its start");
        var room = await second.GetRoomAsync("room-1");
        Assert.Equal(new LightingDto(true, 23, 2300), room.Desired.Lighting);
        Assert.Equal(sessionId, room.Session!.SessionId);
        var record = (await second.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;
        Assert.Contains(record.Events, e => e.Note == "stored in PostgreSQL");
        Assert.Contains(record.Events, e => e.Type == "session-started");
        Assert.Contains(record.Events, e => e is { Type: "lighting-changed", After.Lighting.Brightness: 23 });
    }

    [Fact]
    public async Task Broker_logins_issued_through_two_nodes_are_both_kept_and_a_write_from_an_old_version_is_refused()
    {
        var database = await (await PostgresServer.SharedAsync()).NewMigratedDatabaseAsync();
        await using var source = NpgsqlDataSource.Create(database);
        var documents = new SettingControl.Host.Services.ClusterDocuments(source);
        var onA = new SettingControl.Mqtt.Security.MqttAccountStore(documents.Open("mqtt-accounts.json"), ["controller"], iterations: 1000);
        var onB = new SettingControl.Mqtt.Security.MqttAccountStore(documents.Open("mqtt-accounts.json"), ["controller"], iterations: 1000);

        var lampPassword = onA.IssueDevice("lamp-a");
        onB.IssueDevice("lamp-b"); // node B has not heard of lamp-a yet: it reads the row again before it writes
        var later = new SettingControl.Mqtt.Security.MqttAccountStore(documents.Open("mqtt-accounts.json"), ["controller"], iterations: 1000);
        Assert.Equal(["lamp-a", "lamp-b"], later.List().Select(a => a.Username).ToArray());
        Assert.NotNull(onB.Authenticate("lamp-a", lampPassword));

        // A write based on an old version is refused, not applied over the newer one.
        var row = documents.Open("mqtt-accounts.json");
        var stale = row.Read();
        onA.IssueDevice("lamp-c");
        Assert.Null(row.TryWrite("{\"accounts\":{}}", stale.Version));
        Assert.Equal(3, later.List().Count);
    }

    private sealed record SessionStarted(string SessionId);

    private sealed record Migration(int ExitCode, string Output);

    private static async Task<Migration> RunMigrateAsync(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "SettingControl.Host.dll"), "migrate", "--Cluster:Provider=PostgreSQL", $"--ConnectionStrings:SettingControl={connectionString}" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("migrate did not finish within a minute");
        }

        return new Migration(process.ExitCode, await stdout + await stderr);
    }

    private static async Task<string[]> TablesAsync(string connectionString) =>
        (await ScalarAsync<string>(connectionString, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")).Split(',');

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
