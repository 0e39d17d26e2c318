using System.Text;

namespace SettingControl.Bench;

/// <summary>One line of the results table: what was measured, the goal, the figure, and the floor beside it.</summary>
public sealed record Row(string Scenario, string Measure, string Goal, string Figure, string Floor, bool? Met);

/// <summary>Collects rows, prints them as they come, and writes docs/benchmarks.md in one go.</summary>
public sealed class Report
{
    private readonly List<Row> _rows = [];

    public void Add(Row row)
    {
        _rows.Add(row);
        var met = row.Met switch { true => "MET", false => "NOT MET", null => "-" };
        Console.WriteLine($"[{row.Scenario}] {row.Measure}: {row.Figure} (goal {row.Goal}; floor {row.Floor}) {met}");
    }

    public static string Latency(IReadOnlyList<double> ms)
    {
        if (ms.Count == 0)
        {
            return "no samples";
        }

        var s = ms.Order().ToArray();
        double At(double q) => s[Math.Min(s.Length - 1, Math.Max(0, (int)Math.Ceiling(q * s.Length) - 1))];
        return $"min {s[0]:0.00} / p50 {At(0.5):0.00} / p99 {At(0.99):0.00} / p99.9 {At(0.999):0.00} ms (n={s.Length})";
    }

    public static double Percentile(IReadOnlyList<double> ms, double q)
    {
        var s = ms.Order().ToArray();
        return s.Length == 0 ? double.NaN : s[Math.Min(s.Length - 1, Math.Max(0, (int)Math.Ceiling(q * s.Length) - 1))];
    }

    public void WriteMarkdown(string path, string machine, string command, TimeSpan took)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks");
        md.AppendLine();
        md.AppendLine("Produced in one run by the harness in `bench/SettingControl.Bench` (do not edit by hand):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine($"Machine: {machine}. Run took {took.TotalSeconds:0} s; generated {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        md.AppendLine();
        md.AppendLine("Everything is real and on loopback: the host (Orleans silo, SQLite file, embedded MQTTnet broker, Kestrel) runs in the");
        md.AppendLine("harness process (the PostgreSQL rows excepted: there each node is a host process of its own); devices are played by");
        md.AppendLine("MQTT clients on their own connections; dashboards are SignalR clients.");
        md.AppendLine("Latencies are min / p50 / p99 / p99.9. The floor is the same transport measured bare in the same run.");
        md.AppendLine();
        md.AppendLine("| scenario | measure | goal | measured | floor | goal met |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in _rows)
        {
            var met = r.Met switch { true => "yes", false => "**no**", null => "–" };
            md.AppendLine($"| {r.Scenario} | {r.Measure} | {r.Goal} | {r.Figure} | {r.Floor} | {met} |");
        }

        md.AppendLine();
        md.AppendLine(Notes);
        File.WriteAllText(path, md.ToString());
        Console.WriteLine($"wrote {path}");
    }

    private const string Notes = """
        ## How to read it

        - **Command → publish**: a command sent over REST (`PUT /api/rooms/{id}/lighting`) or the hub (`SetLighting`) until the
          device's MQTT client has the `set` message. **Full loop**: hub command → the device applies it and reports its state →
          a SignalR client watching the room receives `RoomChanged` with the new actual level. Measured with every device of the
          facility reporting its state once a second in the background.
        - **Persist and publish, in that order or side by side**: a command's devices hear it while its room write commits
          (the write is the slowest step of a command: one SQLite transaction holding the room and its record events). The
          caller still hears back only once the room is stored, so an acknowledged command is never lost; a write that
          fails reloads the room as stored and tells its devices that again, and the caller hears the failure. While a
          room's writes are failing it stores first, so its lights never jump to a level storage then refuses. The player
          waits for the write (a skipped track cannot be taken back). The row "REST command → the caller has its answer"
          beside "→ device has the publish" shows what this saves: the publish no longer waits for the commit. Lights up
          goes to the devices first and is kept even when storage refuses it, as before.
        - **Outside process**: the host runs as a process of its own (SQLite, every room active) and the benchmark drives it
          as a client would, over one keep-alive HTTP connection (signed in with an API key) and the hub, watching
          the devices' `set` topic with an MQTT subscriber. Its floor is a bare HTTP → MQTT relay, also a process of its own
          (a minimal ASP.NET endpoint that publishes to the same broker at the same QoS: no sign-in, no storage, no room),
          the part a Node-RED flow plays; the two are measured interleaved, sample by sample, on the embedded broker and
          on Mosquitto. What separates SettingControl from the relay is what the relay does not do: the key checked against
          the account as it is now, the room's grain (another thread hop), the room written and its change recorded.
        - **Lights up, facility-wide**: `POST /api/lights-up` turns Lights up on in every room the caller may control, all
          rooms side by side; the figure is until the last device's MQTT client has its `set`. Each light is its own QoS 1
          message through the broker to one subscriber, so at this size the broker's and the receiving client's message
          rate on two shared cores set the figure, not the rooms (the answer, once every room has stored its Lights up,
          comes earlier than the last device's message). With Zigbee2MQTT groups a room's lights are one message.
        - **Floors**: a raw MQTT round trip (publish → subscriber → echo → back) through the same broker, and `GET /ping` on the same Kestrel.
        - **Ingest**: device state messages per second the controller parses, routes to the device and room grains and fans out,
          offered at rising rates by two publishers; the rate is the highest step absorbed completely. CPU and allocations per
          message have the publishers' own cost (measured alone first) taken off; the in-process broker's work for the
          message (MQTTnet's packets, about half of what is left) stays in.
        - **Lights up with Zigbee2MQTT**: every room's two lights are Zigbee bulbs of one bridge (played by an MQTT client with
          the bridge's login); first each bulb gets its own `set` (Zigbee2MQTT queues them as unicasts on one Zigbee network),
          then each room's bulbs form a Zigbee2MQTT group and get one `set` on the group's topic (one Zigbee groupcast). The
          count of `set` messages is the load on the Zigbee network, which the loopback time does not show. The bridge's list
          is awaited before its availabilities go out: thousands of announcements and availabilities at once overflow the
          link's bounded inbound queue (16 partitions of 256), which drops the oldest.
        - **Memory per room**: managed heap after a full collection with N rooms active, less the heap with none, divided by N.
        - **Audio**: the music engine renders offline, as fast as it goes, the same blocks its real-time clock renders; the
          speed is audio seconds per second of the render thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`), so it means "on one
          core" however busy the machine is; the wall-clock multiple is given beside it.
        - **PostgreSQL + Mosquitto, one node / two nodes**: `Cluster:Provider=PostgreSQL` as docs/cluster.md runs it: each node
          a host process of its own, a private PostgreSQL, a Mosquitto configured only from the generated files. Commands go
          through the node hosting the room and through the other node (which calls the room's grain on its node). Each node
          hears every device message and handles the devices it owns, so ingest is what the nodes accept together. Two
          processes on one two-core machine, with the database, the broker and the load generator beside them: this shows
          what the cluster costs per message and per command, not what a second machine would add.
        - Everything shares two cores with the load generators and clients, so figures are conservative.

        Run a single scenario with `dotnet run -c Release --project bench/SettingControl.Bench -- <scenario>`
        (`latency`, `outside`, `ingest`, `fanout`, `scale`, `lights-up`, `cluster`, `audio`, or `all`); `--smoke` runs every scenario with tiny sizes (used by `./test.sh`).
        """;
}
