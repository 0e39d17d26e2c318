using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using SettingControl.Contracts;
using SettingControl.Mqtt;

namespace SettingControl.Bench;

/// <summary>Sizes for a full run and for the smoke run in ./test.sh.</summary>
public sealed record Sizes(int[] LatencyRooms, int Samples, TimeSpan IngestTime, int[] FanoutConnections, int[] ScaleRooms, int RestartRooms, int LightsUpRooms, TimeSpan CpuWindow, int ClusterRooms)
{
    public static Sizes Full { get; } = new([1, 100, 1000], 400, TimeSpan.FromSeconds(5), [100, 500], [1000, 10_000], 1000, 1000, TimeSpan.FromSeconds(10), 100);

    public static Sizes Smoke { get; } = new([2], 20, TimeSpan.FromSeconds(1), [10], [20], 20, 5, TimeSpan.FromSeconds(1), 2);
}

public static class Scenarios
{
    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    // ---- 1 + 2: command latency with its floors ---------------------------------------------------

    public static async Task LatencyAsync(Report report, Sizes sizes)
    {
        foreach (var rooms in sizes.LatencyRooms)
        {
            await using var facility = await BenchFacility.StartAsync(rooms);
            await using var devices = await DeviceDouble.ConnectAsync(facility.Broker);
            devices.Echo = true;
            await using var load = await BackgroundLoad.StartAsync(facility.Broker, rooms);
            await using var hub = await facility.ConnectHubAsync();
            var watched = Enumerable.Range(1, Math.Min(rooms, 20)).Select(r => $"room-{r}").ToArray();
            var changes = new ConcurrentQueue<(RoomSnapshot Snapshot, long At)>();
            hub.On<RoomSnapshot>("RoomChanged", s => changes.Enqueue((s, Stopwatch.GetTimestamp())));
            foreach (var room in watched)
            {
                await hub.InvokeAsync<RoomSnapshot>("JoinRoom", room);
            }

            var rest = new List<double>();
            var restAnswered = new List<double>();
            var viaHub = new List<double>();
            var loop = new List<double>();
            var value = 10;
            for (var i = 0; i < sizes.Samples + 20; i++)
            {
                var room = watched[i % watched.Length];
                var device = room + "-light-1";

                value = value >= 90 ? 10 : value + 1;
                var set = devices.NextSet(device);
                var sent = Stopwatch.GetTimestamp();
                (await facility.Http.PutAsJsonAsync($"/api/rooms/{room}/lighting", new { brightness = value })).EnsureSuccessStatusCode();
                var answeredMs = Ms(sent, Stopwatch.GetTimestamp());
                var restMs = Ms(sent, await set);

                value = value >= 90 ? 10 : value + 1;
                set = devices.NextSet(device);
                changes.Clear();
                var target = value;
                sent = Stopwatch.GetTimestamp();
                await hub.InvokeAsync<RoomSnapshot>("SetLighting", room, new SetLightingRequest(Brightness: target));
                var setAt = await set;
                var hubMs = Ms(sent, setAt);
                var seen = await WaitFor(changes, setAt, s => s.RoomId == room && s.Devices.Any(d => d.DeviceId == device && d.Actual?.Brightness == target));
                if (i >= 20)
                {
                    rest.Add(restMs);
                    restAnswered.Add(answeredMs);
                    viaHub.Add(hubMs);
                    loop.Add(Ms(sent, seen));
                }
            }

            var mqttFloor = await MqttRoundTripAsync(facility.Broker, sizes.Samples);
            var httpFloor = await HttpRoundTripAsync(facility, sizes.Samples);
            var mqttP50 = Report.Percentile(mqttFloor, 0.5);
            var label = $"command latency, {rooms} room{(rooms == 1 ? "" : "s")}";
            report.Add(new Row(label, "REST command → device has the publish", "p50 ≤ 1 ms, p99 ≤ 5 ms (at 1,000 rooms)", Report.Latency(rest),
                $"HTTP {Report.Percentile(httpFloor, 0.5):0.00} ms p50", rooms == 1000 ? Report.Percentile(rest, 0.5) <= 1 && Report.Percentile(rest, 0.99) <= 5 : null));
            report.Add(new Row(label, "REST command → the caller has its answer (the room stored first)", "–", Report.Latency(restAnswered), "–", null));
            report.Add(new Row(label, "hub command → device has the publish", "p50 ≤ 1 ms, p99 ≤ 5 ms (at 1,000 rooms); ≤ 5× MQTT round trip", Report.Latency(viaHub),
                $"MQTT round trip {mqttP50:0.00} ms p50 (ratio {Report.Percentile(viaHub, 0.5) / mqttP50:0.0}×)",
                rooms == 1000 ? Report.Percentile(viaHub, 0.5) <= 1 && Report.Percentile(viaHub, 0.99) <= 5 && Report.Percentile(viaHub, 0.5) <= 5 * mqttP50 : null));
            report.Add(new Row(label, "full loop: hub command → device applies → RoomChanged at the dashboard", "p99 ≤ 15 ms (at 1,000 rooms)", Report.Latency(loop),
                $"MQTT round trip {mqttP50:0.00} ms p50", rooms == 1000 ? Report.Percentile(loop, 0.99) <= 15 : null));
            report.Add(new Row(label, "floors", "–", $"MQTT round trip {Report.Latency(mqttFloor)}; HTTP GET /ping {Report.Latency(httpFloor)}", "–", null));
        }
    }

    /// <summary>The first RoomChanged after <paramref name="notBefore"/> (the device must have had the command) that matches.</summary>
    private static async Task<long> WaitFor(ConcurrentQueue<(RoomSnapshot Snapshot, long At)> changes, long notBefore, Func<RoomSnapshot, bool> predicate)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            while (changes.TryDequeue(out var change))
            {
                if (change.At >= notBefore && predicate(change.Snapshot))
                {
                    return change.At;
                }
            }

            await Task.Delay(1);
        }

        throw new TimeoutException("the dashboard never saw the change");
    }

    /// <summary>
    /// The broker's own round trip on the device path: a device-side client publishes a state, a controller-side
    /// client answers with a set (both checked by the broker's ACL, as every real message is).
    /// </summary>
    private static async Task<List<double>> MqttRoundTripAsync(BenchBroker broker, int samples)
    {
        var factory = new MqttClientFactory();
        using var a = factory.CreateMqttClient();
        using var b = factory.CreateMqttClient();
        TaskCompletionSource<long>? pong = null;
        b.ApplicationMessageReceivedAsync += e => b.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("settingcontrol/devices/bench-floor/set").WithPayload(e.ApplicationMessage.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        a.ApplicationMessageReceivedAsync += e =>
        {
            pong?.TrySetResult(Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        };
        await a.ConnectAsync(broker.AsGateway("bench-floor-a"));
        await b.ConnectAsync(broker.AsController("bench-floor-b"));
        await a.SubscribeAsync("settingcontrol/devices/bench-floor/set", MqttQualityOfServiceLevel.AtLeastOnce);
        await b.SubscribeAsync("settingcontrol/devices/bench-floor/state", MqttQualityOfServiceLevel.AtLeastOnce);
        var results = new List<double>();
        var payload = Encoding.UTF8.GetBytes("""{"on":true,"brightness":40,"colorTempK":2700}""");
        for (var i = 0; i < samples + 20; i++)
        {
            pong = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var sent = Stopwatch.GetTimestamp();
            await a.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("settingcontrol/devices/bench-floor/state").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var at = await pong.Task;
            if (i >= 20)
            {
                results.Add(Ms(sent, at));
            }
        }

        return results;
    }

    private static async Task<List<double>> HttpRoundTripAsync(BenchFacility facility, int samples)
    {
        var results = new List<double>();
        for (var i = 0; i < samples + 20; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            (await facility.Http.GetAsync("/ping")).EnsureSuccessStatusCode();
            if (i >= 20)
            {
                results.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }

        return results;
    }

    // ---- 3: ingest, and the CPU cost of a facility's background reports ---------------------------

    public static async Task IngestAsync(Report report, Sizes sizes, int rooms)
    {
        await using var facility = await BenchFacility.StartAsync(rooms);
        var metrics = facility.Services.GetRequiredService<DeviceLinkMetrics>();
        await Task.Delay(500);

        var (floor, best, steps) = await FindIngestRateAsync(facility.Broker, rooms, sizes, CountedIn(metrics));
        var cpuPerMessage = best is null ? double.NaN : (best.CpuMs / best.Accepted) - (floor.CpuMs / floor.Published);
        var bytesPerMessage = best is null ? double.NaN : ((double)best.Allocated / best.Accepted) - ((double)floor.Allocated / floor.Published);
        var ingestRate = best is null ? 0 : best.Accepted / best.Seconds;
        report.Add(new Row("ingest", "device state messages absorbed per second, all of them (parse → route → grain → fan-out)", "≥ 40,000 /s",
            $"{ingestRate:N0} /s (offered→absorbed per s: {steps})",
            $"publishers alone {floor.Published / floor.Seconds:N0} /s", ingestRate >= 40_000));
        // The allocation goal is half of the 6,061 bytes measured before the hot path was worked on (2026-11-28).
        report.Add(new Row("ingest", "controller CPU time and allocation per message (the in-process broker's share included)", "≤ 3,030 bytes",
            $"{cpuPerMessage * 1000:0.0} µs CPU, {bytesPerMessage:N0} bytes allocated", "publisher cost subtracted", bytesPerMessage <= 3_030));

        // A facility of this size with every device reporting once a second, as in normal running.
        await using var load = await BackgroundLoad.StartAsync(facility.Broker, rooms);
        await Task.Delay(1000);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var before = Interlocked.Read(ref load.Published);
        await Task.Delay(sizes.CpuWindow);
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Elapsed.TotalMilliseconds / Environment.ProcessorCount;
        var rate = (Interlocked.Read(ref load.Published) - before) / wall.Elapsed.TotalSeconds;
        report.Add(new Row("ingest", $"{rooms:N0} rooms × 3 devices reporting once a second: share of the machine's CPU", "< 25 %",
            $"{cpu * 100:0.0} % of {Environment.ProcessorCount} cores at {rate:N0} msg/s (load generator included)", "–", cpu < 0.25));
    }

    internal sealed record FloodResult(long Published, long Accepted, long Dropped, double Seconds, double CpuMs, long Allocated);

    /// <summary>The device messages the controller has taken in so far: accepted (routed to a room) and dropped.</summary>
    internal delegate Task<(long Accepted, long Dropped)> IngestCounter();

    private static IngestCounter CountedIn(DeviceLinkMetrics metrics) => () =>
    {
        var now = metrics.Snapshot();
        return Task.FromResult((now.MessagesAccepted, now.MessagesDropped));
    };

    /// <summary>
    /// Floods at rising rates; the ingest rate is the highest one the controller absorbs completely. The publishers
    /// alone (to a topic nobody routes; the broker's ACL refuses it) come first: they tell what the load generator costs.
    /// </summary>
    internal static async Task<(FloodResult Floor, FloodResult? Best, string Steps)> FindIngestRateAsync(BenchBroker broker, int rooms, Sizes sizes, IngestCounter counted)
    {
        var floor = await Flood(broker, rooms, sizes.IngestTime, 200_000, toDevices: false, counted);
        FloodResult? best = null;
        var steps = new List<string>();
        foreach (var offered in new[] { 5_000, 10_000, 15_000, 20_000, 30_000, 40_000, 50_000 })
        {
            var step = await Flood(broker, rooms, sizes.IngestTime, offered, toDevices: true, counted);
            var absorbed = step.Accepted / (double)step.Published;
            steps.Add($"{offered / 1000}k→{step.Accepted / step.Seconds / 1000:0.0}k");
            if (absorbed < 0.99)
            {
                break;
            }

            best = step;
        }

        return (floor, best, string.Join(", ", steps));
    }

    private static async Task<FloodResult> Flood(BenchBroker broker, int rooms, TimeSpan duration, int perSecond, bool toDevices, IngestCounter counted)
    {
        var factory = new MqttClientFactory();
        var clients = new List<IMqttClient>();
        for (var i = 0; i < 2; i++)
        {
            var client = factory.CreateMqttClient();
            await client.ConnectAsync(broker.AsGateway($"bench-flood-{i}-{Guid.NewGuid():N}"[..24]));
            clients.Add(client);
        }

        var topics = Enumerable.Range(1, rooms).Select(r => toDevices ? $"settingcontrol/devices/room-{r}-light-1/state" : $"bench/void/room-{r}").ToArray();
        var payloads = Enumerable.Range(0, 101).Select(b => Encoding.UTF8.GetBytes($$"""{"on":true,"brightness":{{b}},"colorTempK":2700}""")).ToArray();
        var before = await counted();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var published = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
        {
            var i = c;
            var sentByThis = 0L;
            while (clock.Elapsed < duration)
            {
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topics[i % topics.Length]).WithPayload(payloads[i % payloads.Length]).Build());
                i += 2;
                sentByThis++;
                Interlocked.Increment(ref published);

                // Pace to the offered rate (each of the two publishers sends half of it).
                var ahead = (sentByThis / (perSecond / 2.0)) - clock.Elapsed.TotalSeconds;
                if (ahead > 0.002)
                {
                    await Task.Delay(TimeSpan.FromSeconds(ahead));
                }
            }
        })));

        // Let the controller finish what is queued, then count.
        var settle = Stopwatch.StartNew();
        var last = -1L;
        while (settle.Elapsed < TimeSpan.FromSeconds(30))
        {
            var (accepted, dropped) = await counted();
            var now = accepted + dropped;
            if (now == last)
            {
                break;
            }

            last = now;
            await Task.Delay(200);
        }

        var seconds = duration.TotalSeconds;
        process.Refresh();
        var after = await counted();
        var result = new FloodResult(
            published,
            after.Accepted - before.Accepted,
            after.Dropped - before.Dropped,
            seconds,
            (process.TotalProcessorTime - cpuBefore).TotalMilliseconds,
            GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
        foreach (var client in clients)
        {
            await client.DisconnectAsync();
            client.Dispose();
        }

        return result;
    }

    // ---- 4: fan-out to many dashboards ------------------------------------------------------------

    public static async Task FanoutAsync(Report report, Sizes sizes)
    {
        const int rooms = 100;
        foreach (var connections in sizes.FanoutConnections)
        {
            await using var facility = await BenchFacility.StartAsync(Math.Min(rooms, connections));
            var roomCount = Math.Min(rooms, connections);
            var received = new ConcurrentQueue<(string RoomId, int? Brightness, long At)>();
            var hubs = new List<HubConnection>();
            for (var i = 0; i < connections; i++)
            {
                var hub = await facility.ConnectHubAsync();
                hub.On<RoomSnapshot>("RoomChanged", s => received.Enqueue((s.RoomId, s.Devices[0].Actual?.Brightness, Stopwatch.GetTimestamp())));
                await hub.InvokeAsync<RoomSnapshot>("JoinRoom", $"room-{(i % roomCount) + 1}");
                hubs.Add(hub);
            }

            using var device = new MqttClientFactory().CreateMqttClient();
            await device.ConnectAsync(facility.Broker.AsGateway("bench-fanout"));
            var watchersPerRoom = connections / roomCount;
            var latencies = new List<double>();
            for (var i = 0; i < Math.Max(20, sizes.Samples / 4); i++)
            {
                var room = $"room-{(i % roomCount) + 1}";
                var value = (i % 90) + 5;
                received.Clear();
                var sent = Stopwatch.GetTimestamp();
                await device.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"settingcontrol/devices/{room}-light-1/state")
                    .WithPayload($$"""{"on":true,"brightness":{{value}},"colorTempK":2700}""")
                    .Build());
                var got = 0;
                var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
                while (got < watchersPerRoom && Stopwatch.GetTimestamp() < deadline)
                {
                    while (received.TryDequeue(out var r))
                    {
                        if (r.RoomId == room && r.Brightness == value)
                        {
                            latencies.Add(Ms(sent, r.At));
                            got++;
                        }
                    }

                    await Task.Delay(1);
                }
            }

            report.Add(new Row($"fan-out, {connections} dashboards", $"device state → RoomChanged at each of the {watchersPerRoom} dashboards watching the room", "p99 < 50 ms (500 dashboards)",
                Report.Latency(latencies), "–", connections == 500 ? Report.Percentile(latencies, 0.99) < 50 : null));
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    // ---- 5: scale ----------------------------------------------------------------------------------

    public static async Task ScaleAsync(Report report, Sizes sizes)
    {
        long baseline;
        TimeSpan emptyStart;
        await using (var empty = await BenchFacility.StartAsync(0))
        {
            baseline = Heap();
            emptyStart = empty.StartToHealthy;
        }

        report.Add(new Row("scale", "host start → /healthz 200 (no rooms)", "≤ 3 s", $"{emptyStart.TotalSeconds:0.00} s", "–", emptyStart <= TimeSpan.FromSeconds(3)));
        foreach (var rooms in sizes.ScaleRooms)
        {
            await using var facility = await BenchFacility.StartAsync(rooms);
            var grains = facility.Services.GetRequiredService<IGrainFactory>();
            foreach (var chunk in Enumerable.Range(1, rooms).Chunk(500))
            {
                await Task.WhenAll(chunk.Select(r => grains.GetGrain<IRoomGrain>($"room-{r}").GetSnapshot().AsTask()));
            }

            await Task.Delay(500);
            var heap = Heap();
            var perRoom = (heap - baseline) / (double)rooms;
            report.Add(new Row("scale", $"memory per idle room at {rooms:N0} rooms (room, its 3 device grains, registry entry)", "≤ 20 KB",
                $"{perRoom / 1024:0.0} KB (heap {heap / 1048576.0:0} MB vs {baseline / 1048576.0:0} MB empty); start to healthy incl. seeding {facility.StartToHealthy.TotalSeconds:0.0} s",
                "–", perRoom <= 20 * 1024));
        }

        // Restart with persisted rooms: the time until every room answers.
        var data = Path.Combine(Path.GetTempPath(), "settingcontrol-bench", Guid.NewGuid().ToString("N"));
        await using (await BenchFacility.StartAsync(sizes.RestartRooms, data))
        {
        }

        var clock = Stopwatch.StartNew();
        await using var restarted = await BenchFacility.StartAsync(0, data);
        var healthy = clock.Elapsed;
        var all = await restarted.Http.GetFromJsonAsync<RoomSnapshot[]>("/api/rooms");
        var answering = clock.Elapsed;
        report.Add(new Row("scale", $"restart with {sizes.RestartRooms:N0} persisted rooms → every room answering", "–",
            $"{answering.TotalSeconds:0.00} s ({all!.Length:N0} rooms; healthy after {healthy.TotalSeconds:0.00} s)", "–", all.Length == sizes.RestartRooms ? null : false));
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
