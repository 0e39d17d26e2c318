using System.Collections.Concurrent;
using System.Diagnostics;
using MQTTnet;

namespace SettingControl.Bench;

/// <summary>
/// Lights up, measured from outside the controller: an HTTP client sends the command and an MQTT
/// client subscribed to every device's <c>set</c> topic notes when each publish arrives. The figure is
/// command sent → last device of the room has its publish.
/// </summary>
public static class LightsUpBenchmark
{
    public static async Task RunAsync(Report report, int rooms, int trials)
    {
        await using var facility = await BenchFacility.StartAsync(rooms);
        var options = (Rooms: rooms, Trials: trials);
        var mqttPort = facility.MqttPort;
        {
            var http = facility.Http;
            var arrivals = new ConcurrentQueue<(string Topic, long At)>();
            using var listener = new MqttClientFactory().CreateMqttClient();
            listener.ApplicationMessageReceivedAsync += e =>
            {
                arrivals.Enqueue((e.ApplicationMessage.Topic, Stopwatch.GetTimestamp()));
                return Task.CompletedTask;
            };
            await listener.ConnectAsync(facility.Broker.AsGateway("bench-listener"));
            await listener.SubscribeAsync("settingcontrol/devices/+/set");

            // Warm up: every room once.
            for (var room = 1; room <= options.Rooms; room++)
            {
                await Cycle(http, room);
            }

            await Task.Delay(500);
            var perRoom = new List<double>();
            for (var trial = 0; trial < options.Trials; trial++)
            {
                var room = (trial % options.Rooms) + 1;
                arrivals.Clear();
                var sent = Stopwatch.GetTimestamp();
                (await http.PostAsync($"/api/rooms/room-{room}/lights-up", null)).EnsureSuccessStatusCode();
                var last = await WaitForDevices(arrivals, [$"room-{room}-light-1", $"room-{room}-light-2", $"room-{room}-mask"], sent);
                perRoom.Add(Stopwatch.GetElapsedTime(sent, last).TotalMilliseconds);
                (await http.PostAsync($"/api/rooms/room-{room}/lights-up/resume", null)).EnsureSuccessStatusCode();
                await Task.Delay(5);
            }

            report.Add(new Row("Lights up", $"one room of {options.Rooms:N0}: REST command → every device of the room has its publish", "–", Report.Latency(perRoom), "–", null));

            // Facility-wide: one command (POST /api/lights-up), every room lit by the controller.
            var devices = Enumerable.Range(1, options.Rooms).SelectMany(r => new[] { $"room-{r}-light-1", $"room-{r}-light-2", $"room-{r}-mask" }).ToArray();
            await Task.Delay(500);
            arrivals.Clear();
            var oneSent = Stopwatch.GetTimestamp();
            var answer = await http.PostAsync("/api/lights-up", null);
            var answeredAt = Stopwatch.GetTimestamp();
            answer.EnsureSuccessStatusCode();
            var lastOne = await WaitForDevices(arrivals, devices, oneSent);
            var oneMs = Stopwatch.GetElapsedTime(oneSent, lastOne).TotalMilliseconds;
            report.Add(new Row("Lights up, facility-wide", $"one command (POST /api/lights-up) → the last of {devices.Length:N0} devices of {options.Rooms:N0} rooms has its publish", "≤ 50 ms",
                $"{oneMs:0} ms (answered after {Stopwatch.GetElapsedTime(oneSent, answeredAt).TotalMilliseconds:0} ms, once every room had stored its Lights up)", "–", oneMs <= 50));
            for (var room = 1; room <= options.Rooms; room++)
            {
                (await http.PostAsync($"/api/rooms/room-{room}/lights-up/resume", null)).EnsureSuccessStatusCode();
            }

            // Every room's own Lights up at the same moment, one request each (new connections included).
            await Task.Delay(500);
            arrivals.Clear();
            var allSent = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(1, options.Rooms).Select(r => http.PostAsync($"/api/rooms/room-{r}/lights-up", null)));
            var lastAll = await WaitForDevices(arrivals, devices, allSent);
            report.Add(new Row("Lights up, every room at once", $"all {options.Rooms:N0} rooms commanded at once, one request each → the last of {devices.Length:N0} devices has its publish", "–",
                $"{Stopwatch.GetElapsedTime(allSent, lastAll).TotalMilliseconds:0} ms", "–", null));
        }
    }

    private static async Task Cycle(HttpClient http, int room)
    {
        (await http.PostAsync($"/api/rooms/room-{room}/lights-up", null)).EnsureSuccessStatusCode();
        (await http.PostAsync($"/api/rooms/room-{room}/lights-up/resume", null)).EnsureSuccessStatusCode();
    }

    private static async Task<long> WaitForDevices(ConcurrentQueue<(string Topic, long At)> arrivals, string[] deviceIds, long since)
    {
        var pending = new HashSet<string>(deviceIds.Select(d => $"settingcontrol/devices/{d}/set"));
        var last = since;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (pending.Count > 0)
        {
            while (arrivals.TryDequeue(out var arrival))
            {
                if (pending.Remove(arrival.Topic))
                {
                    last = Math.Max(last, arrival.At);
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{pending.Count} devices never got their publish");
            }

            if (pending.Count > 0)
            {
                await Task.Yield();
            }
        }

        return last;
    }

}
