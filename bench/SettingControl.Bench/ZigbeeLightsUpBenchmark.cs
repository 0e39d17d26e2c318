using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace SettingControl.Bench;

/// <summary>
/// Facility-wide Lights up when every room's lights are Zigbee bulbs behind one Zigbee2MQTT bridge: two bulbs a room,
/// first without groups (a unicast <c>/set</c> per bulb, which Zigbee2MQTT queues on one Zigbee network), then with
/// each room's bulbs in a Zigbee2MQTT group (one <c>/set</c> on the group's topic, one Zigbee groupcast). The bridge is
/// a plain MQTT client with the bridge's login: it publishes the retained device and group lists, says every bulb is
/// online, and notes when each <c>set</c> arrives. The figures: how many messages the bridge had to turn into Zigbee
/// traffic, and command sent → the last bulb covered by one.
/// </summary>
public static class ZigbeeLightsUpBenchmark
{
    private const string BaseTopic = "zigbee2mqtt";

    public static async Task RunAsync(Report report, int rooms)
    {
        foreach (var withGroups in new[] { false, true })
        {
            var (publishes, elapsed, bulbs) = await RunOnceAsync(rooms, withGroups);
            report.Add(new Row(
                withGroups ? "Lights up, facility-wide, Zigbee2MQTT groups" : "Lights up, facility-wide, Zigbee2MQTT bulbs",
                $"all {rooms:N0} rooms of 2 Zigbee bulbs commanded at once → the last of {bulbs:N0} bulbs covered; {publishes:N0} set messages to the bridge {(withGroups ? "(one per room's group)" : "(one per bulb)")}",
                "–",
                $"{elapsed.TotalMilliseconds:0} ms",
                "–",
                null));
        }
    }

    private static async Task<(int Publishes, TimeSpan Elapsed, int Bulbs)> RunOnceAsync(int rooms, bool withGroups)
    {
        var roomArgs = Enumerable.Range(1, rooms).Select(i => $"--Rooms:{i - 1}:Id=zroom-{i}").ToArray();
        await using var facility = await BenchFacility.StartAsync(0, extraArgs: roomArgs);
        var http = facility.Http;

        var registered = await http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = BaseTopic, name = "Bench bridge" });
        registered.EnsureSuccessStatusCode();
        var login = await registered.Content.ReadFromJsonAsync<JsonElement>();

        var bulbs = Enumerable.Range(1, rooms)
            .SelectMany(room => new[] { new BenchBulb(room, "a", 2 * room - 1), new BenchBulb(room, "b", 2 * room) })
            .ToArray();

        // Which bulbs a set message covers: a bulb's own topic covers it, a room's group topic covers both.
        var covers = bulbs.ToDictionary(b => $"{BaseTopic}/{b.FriendlyName}/set", b => new[] { b.FriendlyName }, StringComparer.Ordinal);
        if (withGroups)
        {
            foreach (var room in bulbs.GroupBy(b => b.Room))
            {
                covers[$"{BaseTopic}/zroom-{room.Key}/set"] = [.. room.Select(b => b.FriendlyName)];
            }
        }

        var arrivals = new ConcurrentQueue<(string Topic, long At)>();
        using var bridge = new MqttClientFactory().CreateMqttClient();
        bridge.ApplicationMessageReceivedAsync += e =>
        {
            arrivals.Enqueue((e.ApplicationMessage.Topic, Stopwatch.GetTimestamp()));
            return Task.CompletedTask;
        };
        await bridge.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", facility.MqttPort)
            .WithClientId("bench-zigbee2mqtt")
            .WithCredentials(login.GetProperty("username").GetString(), login.GetProperty("password").GetString())
            .Build());
        await bridge.SubscribeAsync($"{BaseTopic}/+/set", MqttQualityOfServiceLevel.AtLeastOnce);
        await bridge.SubscribeAsync($"{BaseTopic}/+/+/set", MqttQualityOfServiceLevel.AtLeastOnce);

        await Publish(bridge, $"{BaseTopic}/bridge/state", """{"state":"online"}""");
        await Publish(bridge, $"{BaseTopic}/bridge/devices", DeviceList(bulbs));
        if (withGroups)
        {
            await Publish(bridge, $"{BaseTopic}/bridge/groups", GroupList(bulbs));
        }

        // The list is in before the availabilities go out: thousands of announcements and availabilities at once
        // overflow the link's bounded inbound queue (16 partitions of 256), which drops the oldest (see docs/benchmarks.md).
        await WaitUntil(async () => (await http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.Count(d => d.GetProperty("convention").GetString() == "zigbee2mqtt") == bulbs.Length,
            "the bridge's bulbs listed");
        foreach (var bulb in bulbs)
        {
            await Publish(bridge, $"{BaseTopic}/{bulb.FriendlyName}/availability", """{"state":"online"}""");
        }

        await Parallel.ForEachAsync(bulbs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (bulb, ct) =>
            (await http.PutAsJsonAsync($"/api/devices/{bulb.DeviceId}/room", new { roomId = $"zroom-{bulb.Room}" }, ct)).EnsureSuccessStatusCode());

        // Warm up once, facility-wide, and let the resumed scenes go out.
        await LightsUpEverywhere(http, rooms, arrivals, covers, bulbs);
        await Task.WhenAll(Enumerable.Range(1, rooms).Select(r => http.PostAsync($"/api/rooms/zroom-{r}/lights-up/resume", null)));
        await Task.Delay(1000);

        var (publishes, elapsed) = await LightsUpEverywhere(http, rooms, arrivals, covers, bulbs);
        return (publishes, elapsed, bulbs.Length);
    }

    private static async Task<(int Publishes, TimeSpan Elapsed)> LightsUpEverywhere(
        HttpClient http, int rooms, ConcurrentQueue<(string Topic, long At)> arrivals, Dictionary<string, string[]> covers, BenchBulb[] bulbs)
    {
        arrivals.Clear();
        var sent = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(1, rooms).Select(r => http.PostAsync($"/api/rooms/zroom-{r}/lights-up", null)));

        var pending = bulbs.Select(b => b.FriendlyName).ToHashSet(StringComparer.Ordinal);
        var last = sent;
        var publishes = 0;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (pending.Count > 0)
        {
            while (arrivals.TryDequeue(out var arrival))
            {
                if (arrival.At < sent || !covers.TryGetValue(arrival.Topic, out var covered))
                {
                    continue;
                }

                publishes++;
                foreach (var name in covered)
                {
                    if (pending.Remove(name))
                    {
                        last = Math.Max(last, arrival.At);
                    }
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{pending.Count} bulbs never got their Lights up");
            }

            if (pending.Count > 0)
            {
                await Task.Delay(1);
            }
        }

        return (publishes, Stopwatch.GetElapsedTime(sent, last));
    }

    private static async Task WaitUntil(Func<Task<bool>> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"never: {what}");
            }

            await Task.Delay(100);
        }
    }

    private static Task Publish(IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    /// <summary>A bulb of the bench: a Hue White Ambiance (the same model in every room, so a room's two get the same payload).</summary>
    private sealed record BenchBulb(int Room, string Position, int Number)
    {
        public string FriendlyName => $"zroom-{Room}/{Position}";

        public string IeeeAddress => $"0x00178801{Number:x8}";

        public string DeviceId => IeeeAddress;
    }

    /// <summary>bridge/devices as Zigbee2MQTT 2.x writes it, with the Hue White Ambiance's light exposes.</summary>
    private static string DeviceList(IEnumerable<BenchBulb> bulbs)
    {
        var entries = bulbs.Select(b => $$$"""
            {"ieee_address":"{{{b.IeeeAddress}}}","type":"Router","friendly_name":"{{{b.FriendlyName}}}","supported":true,"interview_completed":true,"disabled":false,
             "definition":{"model":"8718696548738","vendor":"Philips","description":"Hue White Ambiance E26/E27","exposes":[{"type":"light","features":[
               {"type":"binary","name":"state","property":"state","access":7,"value_on":"ON","value_off":"OFF"},
               {"type":"numeric","name":"brightness","property":"brightness","access":7,"value_min":0,"value_max":254},
               {"type":"numeric","name":"color_temp","property":"color_temp","access":7,"unit":"mired","value_min":153,"value_max":454}]}]}}
            """);
        return "[" + string.Join(",", entries) + "]";
    }

    private static string GroupList(IEnumerable<BenchBulb> bulbs)
    {
        var groups = bulbs.GroupBy(b => b.Room).Select(room =>
        {
            var members = string.Join(",", room.Select(b => $$"""{"ieee_address":"{{b.IeeeAddress}}","endpoint":11}"""));
            return $$$"""{"id":{{{room.Key}}},"friendly_name":"zroom-{{{room.Key}}}","scenes":[],"members":[{{{members}}}]}""";
        });
        return "[" + string.Join(",", groups) + "]";
    }
}
