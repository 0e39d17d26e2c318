using System.Diagnostics;
using System.Net.Http.Json;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>The controller as its own process, killed with SIGKILL mid-session: nothing it acknowledged is lost.</summary>
public sealed class KillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_kill_9_mid_session_loses_no_acknowledged_state_or_record_entry()
    {
        var data = HostUnderTest.NewDataDirectory();
        var mqttPort = FreePorts.Next();
        string sessionId;
        using (var first = HostProcess.Start(data, mqttPort))
        {
            await first.WaitReadyAsync();
            var started = await first.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "kill test" });
            started.EnsureSuccessStatusCode();
            sessionId = (await started.Content.ReadFromJsonAsync<SessionStarted>())!.SessionId;
            (await first.Http.PostAsync("/api/rooms/room-1/session/t0", null)).EnsureSuccessStatusCode();
            (await first.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 17, colorTempK = 2100 })).EnsureSuccessStatusCode();
            (await first.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = "acknowledged just before the crash" })).EnsureSuccessStatusCode();
            (await first.Http.PostAsync("/api/rooms/room-1/lights-up", null)).EnsureSuccessStatusCode();

            first.Kill();
        }

        var restart = Stopwatch.StartNew();
        using var second = HostProcess.Start(data, mqttPort);
        await second.WaitReadyAsync();
        var ready = restart.Elapsed;
        var room = (await second.Http.GetFromJsonAsync<RoomSnapshot>("/api/rooms/room-1"))!;
        Assert.Equal(["room-1-light-1", "room-1-light-2", "room-1-mask"], room.Devices.Select(d => d.DeviceId).ToArray());
        Assert.Equal(new LightingDto(true, 100, 4000), room.Desired.Lighting);
        Assert.True(room.LightsUp!.Active);
        Assert.Equal(("dosing", "held"), (room.Session!.PhaseId, room.Session.Clock));
        Assert.Contains("brightness", room.Session.Overrides);

        var record = (await second.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;
        var types = record.Events.Select(e => e.Type).ToArray();
        foreach (var type in new[] { "session-started", "dose-marked", "lighting-changed", "note", "lights-up" })
        {
            Assert.Contains(type, types);
        }

        Assert.Contains(record.Events, e => e.Note == "acknowledged just before the crash");

        // Assignments survived (the device list above), and the room re-asserts its desired state on
        // the devices that came back in factory state (mask light on at 100 %) without anyone sending a command.
        await Eventually.TrueAsync(
            async () =>
            {
                var devices = (await second.Http.GetFromJsonAsync<RoomSnapshot>("/api/rooms/room-1"))!.Devices;
                return devices.All(d => d.Availability == "online") &&
                       devices.Single(d => d.Kind == "mask").Actual is { On: false } &&
                       devices.Where(d => d.Kind == "light").All(d => d.Actual is { On: true, Brightness: 100, ColorTempK: 4000 });
            },
            TimeSpan.FromSeconds(30),
            "the restarted room put Lights up back on its devices (mask light off)");
        output.WriteLine($"kill -9: new process ready (healthy) {ready.TotalMilliseconds:0} ms after start; " +
                         $"room's Lights up re-asserted on its factory-state devices {restart.Elapsed.TotalMilliseconds:0} ms after start");

        // The restarted controller drives the devices again: resuming returns the room to the dosing scene.
        (await second.Http.PostAsync("/api/rooms/room-1/lights-up/resume", null)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(
            async () => (await second.Http.GetFromJsonAsync<RoomSnapshot>("/api/rooms/room-1"))!.Devices
                .Where(d => d.Kind == "light").All(d => d.Actual is { Brightness: 20, ColorTempK: 2400 }),
            TimeSpan.FromSeconds(30),
            "the lights show the dosing scene after the restart");
    }

    [Fact]
    public async Task A_kill_9_during_a_stream_of_changes_leaves_every_stored_change_with_its_record_event()
    {
        var data = HostUnderTest.NewDataDirectory();
        var mqttPort = FreePorts.Next();
        string sessionId;
        var acknowledged = new List<int>();
        using (var first = HostProcess.Start(data, mqttPort))
        {
            await first.WaitReadyAsync();
            var started = await first.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "kill stream" });
            started.EnsureSuccessStatusCode();
            sessionId = (await started.Content.ReadFromJsonAsync<SessionStarted>())!.SessionId;

            // Two writers keep changes in flight while the process dies, so some are stored but never acknowledged.
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var brightness = 1 + ((w * 50) + i) % 99;
                    try
                    {
                        var response = await first.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness }, stop.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            lock (acknowledged)
                            {
                                acknowledged.Add(brightness);
                            }
                        }
                    }
                    catch (Exception) when (stop.IsCancellationRequested || true)
                    {
                        return;
                    }
                }
            })).ToArray();
            await Eventually.TrueAsync(() => { lock (acknowledged) { return acknowledged.Count >= 40; } }, TimeSpan.FromSeconds(60), "40 acknowledged changes");
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        using var second = HostProcess.Start(data, mqttPort);
        await second.WaitReadyAsync();
        var room = (await second.Http.GetFromJsonAsync<RoomSnapshot>("/api/rooms/room-1"))!;
        var record = (await second.Http.GetFromJsonAsync<SessionRecordDto>($"/api/sessions/{sessionId}"))!;
        var changes = record.Events.Where(e => e.Type == "lighting-changed").ToArray();

        // What the room holds is what its last recorded change says, and nothing acknowledged is missing.
        output.WriteLine($"{acknowledged.Count} acknowledged, {changes.Length} recorded; room at {room.Desired.Lighting.Brightness} %");
        Assert.Equal(room.Desired.Lighting.Brightness, changes[^1].After!.Lighting.Brightness);
        Assert.True(changes.Length >= acknowledged.Count, $"{changes.Length} recorded changes for {acknowledged.Count} acknowledged");
        var recorded = changes.Select(e => e.After!.Lighting.Brightness).ToHashSet();
        Assert.All(acknowledged, brightness => Assert.Contains(brightness, recorded));
    }

    [Fact]
    public async Task A_kill_9_while_a_full_disk_holds_Lights_up_unsaved_restarts_the_room_in_Lights_up_not_dimmed()
    {
        using var disk = SmallDisk.Mount(megabytes: 48);
        var data = Path.Combine(disk.Path, "data");
        var mqttPort = FreePorts.Next();
        using (var first = HostProcess.Start(data, mqttPort))
        {
            await first.WaitReadyAsync();
            (await first.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 20, colorTempK = 2200 })).EnsureSuccessStatusCode();
            disk.Fill();
            var up = await first.Http.PostAsync("/api/rooms/room-1/lights-up", null);
            up.EnsureSuccessStatusCode();
            Assert.False((await up.Content.ReadFromJsonAsync<RoomSnapshot>())!.Storage!.Saved);
            first.Kill();
        }

        disk.Free();
        using var second = HostProcess.Start(data, mqttPort);
        await second.WaitReadyAsync();
        await Eventually.TrueAsync(
            async () => (await second.Http.GetFromJsonAsync<RoomSnapshot>("/api/rooms/room-1"))! is { LightsUp.Active: true, Storage.Saved: true } room &&
                        room.Desired.Lighting == new LightingDto(true, 100, 4000) &&
                        room.Devices.Where(d => d.Kind == "light").All(d => d.Actual is { On: true, Brightness: 100, ColorTempK: 4000 }),
            TimeSpan.FromSeconds(30),
            "the restarted room is in Lights up, stored, with both lights at full neutral light");
    }

    private sealed record SessionStarted(string SessionId);

    /// <summary>The host started as `dotnet SettingControl.Host.dll`, a process of its own that can be killed.</summary>
    private sealed class HostProcess : IDisposable
    {
        private readonly Process _process;

        private HostProcess(Process process, int httpPort)
        {
            _process = process;
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HostUnderTest.ApiKey);
        }

        public HttpClient Http { get; }

        public static HostProcess Start(string dataDirectory, int mqttPort)
        {
            var httpPort = FreePorts.Next();
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "SettingControl.Host.dll"),
                $"--urls=http://127.0.0.1:{httpPort}",
                $"--Storage:DataDirectory={dataDirectory}",
                $"--Mqtt:Port={mqttPort}",
                $"--Orleans:SiloPort={FreePorts.Next()}",
                $"--Orleans:GatewayPort={FreePorts.Next()}",
                "--Simulation:Rooms=1",
                $"--Demo:ApiKey={HostUnderTest.ApiKey}",
                "--Logging:LogLevel:Default=Warning",
            })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new HostProcess(process, httpPort);
        }

        public Task WaitReadyAsync() =>
            Eventually.TrueAsync(async () => (await Http.GetAsync("/healthz")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "host process healthy");

        /// <summary>SIGKILL: no shutdown hooks, no flushing, nothing graceful.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            Http.Dispose();
        }
    }
}
