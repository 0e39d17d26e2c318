using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SettingControl.Contracts;
using SettingControl.Testing;

namespace SettingControl.Bench;

/// <summary>
/// Command latency as a client sees it: the host runs as a process of its own (SQLite, every room active), and this
/// process drives it over one keep-alive HTTP connection and the hub, watching the devices' <c>set</c> topic as an MQTT
/// subscriber. Beside it, measured the same way and interleaved sample by sample, the bare HTTP → MQTT relay
/// (<see cref="Relay"/>) publishing to the same broker: the floor a controller that persists and authorises every
/// command is held to. Once with the host's embedded broker, once with Mosquitto.
/// </summary>
public static class OutsideBenchmark
{
    public static async Task RunAsync(Report report, Sizes sizes)
    {
        var rooms = sizes.LatencyRooms.Max();
        foreach (var mosquitto in new[] { false, true })
        {
            var accounts = new BrokerAccounts(rooms: 0);
            var gatewayPassword = accounts.Store.IssueGateway("bench-devices");
            await using var external = mosquitto ? await MosquittoBroker.StartAsync(accounts) : null;
            var mqttPort = external?.Port ?? FreePorts.Next();
            var settings = mosquitto
                ? accounts.ExternalBrokerSettings()
                : new Dictionary<string, string>
                {
                    // The embedded broker takes the controller login it is given and the gateway login issued above.
                    ["Mqtt:Username"] = accounts.Controller.Username,
                    ["Mqtt:Password"] = accounts.Controller.Password,
                    ["Mqtt:CredentialsDirectory"] = accounts.Directory,
                };
            settings["Mqtt:Port"] = mqttPort.ToString();
            settings["Simulation:Rooms"] = rooms.ToString();
            settings["Simulation:RunDevices"] = "false";
            settings["Simulation:ProvisionCredentials"] = "false";

            using var host = NodeProcess.Start("host", settings);
            try
            {
                await host.WaitReadyAsync();
                using var relay = await Relay.StartAsync(mqttPort, accounts.Controller.Username, accounts.Controller.Password);
                var broker = new BenchBroker(mqttPort, "bench-devices", gatewayPassword, accounts.Controller.Username, accounts.Controller.Password);
                await MeasureAsync(report, sizes, rooms, mosquitto ? "Mosquitto 2" : "the host's embedded broker", host, relay, broker);
            }
            catch (Exception)
            {
                Console.WriteLine("host:\n" + string.Join('\n', host.Output));
                throw;
            }
        }
    }

    private static async Task MeasureAsync(Report report, Sizes sizes, int rooms, string brokerName, NodeProcess host, RelayProcess relay, BenchBroker broker)
    {
        await using var devices = await DeviceDouble.ConnectAsync(broker);
        await using var hub = await host.ConnectHubAsync();
        var watched = Enumerable.Range(1, Math.Min(rooms, 20)).Select(r => $"room-{r}").ToArray();
        foreach (var room in watched)
        {
            (await host.Http.GetAsync($"/api/rooms/{room}")).EnsureSuccessStatusCode();
        }

        var viaRelay = new List<double>();
        var viaRest = new List<double>();
        var viaHub = new List<double>();
        var relayPing = new List<double>();
        var hostPing = new List<double>();
        var value = 10;
        for (var i = 0; i < sizes.Samples + 20; i++)
        {
            var room = watched[i % watched.Length];
            var device = room + "-light-1";
            value = value >= 90 ? 10 : value + 1;
            var relayMs = await TimeAsync(devices, device, async () => await relay.Http.PutAsJsonAsync($"/api/rooms/{room}/lighting", new { brightness = value }));
            value = value >= 90 ? 10 : value + 1;
            var restMs = await TimeAsync(devices, device, async () => await host.Http.PutAsJsonAsync($"/api/rooms/{room}/lighting", new { brightness = value }));
            value = value >= 90 ? 10 : value + 1;
            var target = value;
            var hubMs = await TimeAsync(devices, device, async () =>
            {
                await hub.InvokeAsync<RoomSnapshot>("SetLighting", room, new SetLightingRequest(Brightness: target));
                return null;
            });
            var relayPingMs = await PingAsync(relay.Http);
            var hostPingMs = await PingAsync(host.Http);
            if (i >= 20)
            {
                viaRelay.Add(relayMs);
                viaRest.Add(restMs);
                viaHub.Add(hubMs);
                relayPing.Add(relayPingMs);
                hostPing.Add(hostPingMs);
            }
        }

        var label = $"outside process, {brokerName}";
        var floor = $"relay p50 {Report.Percentile(viaRelay, 0.5):0.00} / p99 {Report.Percentile(viaRelay, 0.99):0.00} ms";
        report.Add(new Row(label, "bare HTTP → MQTT relay (no sign-in, no storage): PUT → set seen by the subscriber", "–", Report.Latency(viaRelay), "–", null));
        report.Add(new Row(label, $"SettingControl ({rooms:N0} rooms): REST PUT lighting → set seen by the subscriber", "p50 and p99 below the relay's",
            Report.Latency(viaRest), floor, Below(viaRest, viaRelay)));
        report.Add(new Row(label, $"SettingControl ({rooms:N0} rooms): hub SetLighting → set seen by the subscriber", "p50 and p99 below the relay's",
            Report.Latency(viaHub), floor, Below(viaHub, viaRelay)));
        report.Add(new Row(label, "floors: GET /ping round trip", "–", $"relay {Report.Latency(relayPing)}; SettingControl {Report.Latency(hostPing)}", "–", null));
    }

    private static bool Below(IReadOnlyList<double> measured, IReadOnlyList<double> floor) =>
        Report.Percentile(measured, 0.5) < Report.Percentile(floor, 0.5) && Report.Percentile(measured, 0.99) < Report.Percentile(floor, 0.99);

    /// <summary>From just before the request leaves until the subscriber has the device's set; the answer is checked too.</summary>
    private static async Task<double> TimeAsync(DeviceDouble devices, string device, Func<Task<HttpResponseMessage?>> send)
    {
        var set = devices.NextSet(device);
        var sent = Stopwatch.GetTimestamp();
        using var response = await send();
        response?.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(sent, await set.WaitAsync(TimeSpan.FromSeconds(10))).TotalMilliseconds;
    }

    private static async Task<double> PingAsync(HttpClient http)
    {
        var sent = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync("/ping");
        response.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
    }
}
