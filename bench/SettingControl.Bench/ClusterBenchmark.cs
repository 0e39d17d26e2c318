using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using SettingControl.Host.Api;
using SettingControl.Testing;

namespace SettingControl.Bench;

/// <summary>
/// A facility on PostgreSQL and Mosquitto (Cluster:Provider=PostgreSQL) as one node and as two nodes: command latency
/// through the node hosting the room and through the other one, and ingest across the cluster. It is what it is: two
/// host processes on this one machine, sharing its cores with PostgreSQL, Mosquitto and the load generator, so the
/// two-node figures show what the cluster costs, not what a second machine would add.
/// </summary>
public static class ClusterBenchmark
{
    public static async Task RunAsync(Report report, Sizes sizes)
    {
        var postgres = await PostgresServer.SharedAsync();
        foreach (var nodeCount in new[] { 1, 2 })
        {
            var database = await postgres.NewMigratedDatabaseAsync();
            var accounts = new BrokerAccounts(rooms: 0);
            var gatewayPassword = accounts.Store.IssueGateway("bench-devices");
            await using var mosquitto = await MosquittoBroker.StartAsync(accounts);
            var broker = new BenchBroker(mosquitto.Port, "bench-devices", gatewayPassword, accounts.Controller.Username, accounts.Controller.Password);
            var settings = accounts.ClusterNodeSettings(mosquitto.Port, database);
            settings["Simulation:Rooms"] = sizes.ClusterRooms.ToString();
            settings["Simulation:RunDevices"] = "false";
            settings["Simulation:ProvisionCredentials"] = "false";
            settings["Logging:LogLevel:SettingControl.Host.Services.ClusterMembership"] = "Warning";

            var nodes = new List<NodeProcess>();
            try
            {
                for (var n = 0; n < nodeCount; n++)
                {
                    var node = NodeProcess.Start(((char)('A' + n)).ToString(), settings);
                    nodes.Add(node);
                    await node.WaitReadyAsync();
                }

                await Eventually.TrueAsync(async () => (await ClusterAsync(nodes[0])).Nodes.Count(m => m.Status == "Active") == nodeCount, TimeSpan.FromSeconds(60), "every node active");
                await MeasureAsync(report, sizes, nodes, broker);
            }
            catch (Exception)
            {
                foreach (var node in nodes)
                {
                    Console.WriteLine($"node {node.Name}:\n" + string.Join('\n', node.Output));
                }

                throw;
            }
            finally
            {
                foreach (var node in nodes)
                {
                    node.Dispose();
                }
            }
        }
    }

    private static async Task MeasureAsync(Report report, Sizes sizes, List<NodeProcess> nodes, BenchBroker broker)
    {
        var label = nodes.Count == 1 ? "PostgreSQL + Mosquitto, one node" : "PostgreSQL + Mosquitto, two nodes (two processes, one machine)";
        await using var devices = await DeviceDouble.ConnectAsync(broker);
        var watched = Enumerable.Range(1, Math.Min(sizes.ClusterRooms, 20)).Select(r => $"room-{r}").ToArray();

        // Activate the watched rooms (each where Orleans places it), then learn which node hosts which.
        foreach (var room in watched)
        {
            (await nodes[0].Http.GetAsync($"/api/rooms/{room}")).EnsureSuccessStatusCode();
        }

        var hostOf = (await ClusterAsync(nodes[0])).Rooms.ToDictionary(r => r.RoomId, r => r.Node);
        var local = new List<double>();
        var remote = new List<double>();
        var value = 10;
        for (var i = 0; i < sizes.Samples + 20; i++)
        {
            var room = watched[i % watched.Length];
            var through = nodes[(i / watched.Length) % nodes.Count];
            value = value >= 90 ? 10 : value + 1;
            var set = devices.NextSet(room + "-light-1");
            var sent = Stopwatch.GetTimestamp();
            (await through.Http.PutAsJsonAsync($"/api/rooms/{room}/lighting", new { brightness = value })).EnsureSuccessStatusCode();
            var ms = Stopwatch.GetElapsedTime(sent, await set.WaitAsync(TimeSpan.FromSeconds(10))).TotalMilliseconds;
            if (i >= 20)
            {
                (hostOf[room].Contains($":{through.SiloPort}@", StringComparison.Ordinal) ? local : remote).Add(ms);
            }
        }

        var placement = nodes.Count == 1
            ? $"{watched.Length} rooms"
            : string.Join(", ", nodes.Select(n => $"{watched.Count(r => hostOf[r].Contains($":{n.SiloPort}@", StringComparison.Ordinal))} rooms on node {n.Name}"));
        report.Add(new Row(label, $"REST command through the node hosting the room → device has the publish ({placement})", "–", Report.Latency(local), "–", null));
        if (nodes.Count > 1)
        {
            report.Add(new Row(label, "REST command through the other node → device has the publish", "–", Report.Latency(remote), "–", null));
        }

        // Each node hears every device message and handles the devices it owns: the cluster's ingest is what all
        // nodes accept together.
        var (floor, best, steps) = await Scenarios.FindIngestRateAsync(broker, sizes.ClusterRooms, sizes, async () =>
        {
            var counts = await Task.WhenAll(nodes.Select(DeviceLinkCountsAsync));
            return (counts.Sum(c => c.Accepted), counts.Sum(c => c.Dropped));
        });
        var rate = best is null ? 0 : best.Accepted / best.Seconds;
        report.Add(new Row(label, $"device state messages absorbed per second across {sizes.ClusterRooms} rooms, all of them", "–",
            $"{rate:N0} /s (offered→absorbed per s: {steps})", $"publishers alone {floor.Published / floor.Seconds:N0} /s", null));
    }

    private static async Task<ClusterApi.ClusterDto> ClusterAsync(NodeProcess node) =>
        (await node.Http.GetFromJsonAsync<ClusterApi.ClusterDto>("/api/cluster"))!;

    private static async Task<(long Accepted, long Dropped)> DeviceLinkCountsAsync(NodeProcess node)
    {
        using var diagnostics = JsonDocument.Parse(await node.Http.GetStringAsync("/api/diagnostics"));
        var link = diagnostics.RootElement.GetProperty("deviceLink");
        return (link.GetProperty("messagesAccepted").GetInt64(), link.GetProperty("messagesDropped").GetInt64());
    }
}
