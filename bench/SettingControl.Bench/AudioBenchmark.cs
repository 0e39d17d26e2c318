using System.Diagnostics;
using SettingControl.Audio;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;
using SettingControl.Domain;
using SettingControl.Testing;

namespace SettingControl.Bench;

/// <summary>
/// The music engine's render speed: one room's whole chain (generated pad and drone → equal-power
/// crossfade → volume ramp → output) rendered as fast as it goes on one thread, with tracks so short
/// that two voices are crossfading the whole time (the worst case), in multiples of real time; then
/// many rooms rendered together by the engine, as CPU per playing room in real time; then rooms streaming to a real
/// snapserver in real time, as the whole process's CPU per room (render, 16-bit conversion, TCP send).
/// </summary>
public static partial class AudioBenchmark
{
    /// <summary>CPU time of the calling thread (clock_gettime CLOCK_THREAD_CPUTIME_ID): what "on one core" means, whatever else the machine runs.</summary>
    private static double ThreadCpuSeconds()
    {
        clock_gettime(3, out var time);
        return time.Seconds + (time.Nanoseconds / 1e9);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);

    public static void Run(Report report, bool smoke)
    {
        var directory = Path.Combine(Path.GetTempPath(), "settingcontrol-bench-audio-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            // 16 s tracks with an 8 s crossfade: each track fades in for 8 s and out for the next 8 s.
            File.WriteAllText(Path.Combine(directory, "bench.json"), """
                { "title": "Bench", "tracks": [
                  { "title": "Pad", "source": "generator:pad?root=146.83&chord=0,7,12,19&seconds=16&swell=19" },
                  { "title": "Drone", "source": "generator:drone?root=110&seconds=16&swell=27" } ] }
                """);
            var options = new AudioOptions { CrossfadeSeconds = 8, StatusSeconds = 3600 };
            var catalog = new PlaylistCatalog(directory, new FfmpegTools());
            var audioSeconds = smoke ? 4 : 600;

            var single = new MusicEngine(options, catalog, _ => AudioOutputSetting.None, new AudioOutputRules(Path.Combine(directory, "audio")));
            var room = single.Room("bench-room");
            room.Apply(new MusicSetting("bench", true, 60), false);
            var blocks = audioSeconds * options.SampleRate / single.BlockFrames;
            single.RenderBlock(); // open the first track outside the measurement
            var cpuBefore = ThreadCpuSeconds();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < blocks; i++)
            {
                single.RenderBlock();
            }

            var wall = clock.Elapsed.TotalSeconds;
            var cpu = ThreadCpuSeconds() - cpuBefore;
            var rendered = (double)blocks * single.BlockFrames / options.SampleRate;
            var multiple = rendered / cpu;
            single.Dispose();
            report.Add(new Row(
                "audio",
                "render speed of one room's chain (pad + drone, always mid equal-power crossfade, volume ramp, 48 kHz stereo float), one thread",
                "≥ 300× real time per room on one core",
                $"{multiple:N0}× real time per core ({rendered:N0} s of audio in {cpu:0.00} s of the render thread's CPU, {cpu / rendered / options.SampleRate * 1e9:0.0} ns per frame; wall clock {rendered / wall:N0}× on this shared machine)",
                "–",
                smoke ? null : multiple >= 300));

            var rooms = smoke ? 3 : 50;
            var many = new MusicEngine(options, catalog, _ => AudioOutputSetting.None, new AudioOutputRules(Path.Combine(directory, "audio")));
            for (var r = 0; r < rooms; r++)
            {
                many.Room($"room-{r}").Apply(new MusicSetting("bench", true, 60), false);
            }

            many.RenderBlock();
            var manySeconds = smoke ? 2 : 60;
            var manyBlocks = manySeconds * options.SampleRate / many.BlockFrames;
            cpuBefore = ThreadCpuSeconds();
            clock.Restart();
            for (var i = 0; i < manyBlocks; i++)
            {
                many.RenderBlock();
            }

            cpu = ThreadCpuSeconds() - cpuBefore;
            wall = clock.Elapsed.TotalSeconds;
            many.Dispose();
            var perRoom = cpu / manySeconds / rooms;
            report.Add(new Row(
                "audio",
                $"CPU per playing room in real time ({rooms} rooms crossfading, rendered together by the engine's render loop)",
                "–",
                $"{perRoom * 100:0.00} % of one core per room ({cpu:0.00} s CPU for {manySeconds} s of {rooms} rooms; {manySeconds / wall:N0}× real time for all {rooms})",
                "–",
                null));

            SnapcastRooms(report, smoke, options, catalog, directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Rooms playing to a private snapserver (its stream lines generated as staff would paste them), rendered in real
    /// time so the sender keeps up as it would in a clinic; the whole process's CPU over the run, per room.
    /// </summary>
    private static void SnapcastRooms(Report report, bool smoke, AudioOptions options, PlaylistCatalog catalog, string directory)
    {
        var rooms = smoke ? 2 : 8;
        var seconds = smoke ? 2 : 20;
        var settings = Enumerable.Range(0, rooms).Select(r => $"room-{r}").ToDictionary(
            id => id,
            id => new AudioOutputSetting("snapcast", Server: "127.0.0.1", StreamPort: FreePorts.Next(), Stream: id));

        var lines = SnapcastStreamLines.Generate(settings.Select(p => (p.Key, p.Value)), options.SampleRate, 2);
        var server = SnapcastServer.StartAsync(Path.Combine(directory, "snapcast"), lines).GetAwaiter().GetResult();
        try
        {
            Stream(report, rooms, seconds, settings, server, options, catalog, directory);
        }
        finally
        {
            server.Kill();
        }
    }

    private static void Stream(Report report, int rooms, int seconds, Dictionary<string, AudioOutputSetting> settings, SnapcastServer server, AudioOptions options, PlaylistCatalog catalog, string directory)
    {
        foreach (var roomId in settings.Keys.ToList())
        {
            settings[roomId] = settings[roomId] with { ControlPort = server.ControlPort };
        }

        using var engine = new MusicEngine(options, catalog, roomId => settings[roomId], new AudioOutputRules(Path.Combine(directory, "audio")));
        foreach (var roomId in settings.Keys)
        {
            engine.Room(roomId).Apply(new MusicSetting("bench", true, 60), false);
        }

        var blockPeriod = TimeSpan.FromSeconds((double)engine.BlockFrames / options.SampleRate);
        var clock = Stopwatch.StartNew();
        var rendered = 0L;
        void RenderInRealTime(int blocks)
        {
            for (var i = 0; i < blocks; i++)
            {
                engine.RenderBlock();
                rendered++;
                var due = blockPeriod * rendered;
                if (due > clock.Elapsed)
                {
                    Thread.Sleep(due - clock.Elapsed);
                }
            }
        }

        // Connected first (the outputs open with the first block), outside the measurement.
        var connecting = Stopwatch.StartNew();
        while (!settings.Keys.All(id => engine.Room(id).Output is SnapcastOutput { Connected: true }))
        {
            if (connecting.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("the rooms' snapcast outputs did not connect to snapserver within 30 s");
            }

            RenderInRealTime(5);
        }

        var outputs = settings.Keys.Select(id => (SnapcastOutput)engine.Room(id).Output!).ToList();
        var droppedBefore = outputs.Sum(o => o.DroppedBlocks);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wallBefore = clock.Elapsed;
        RenderInRealTime(seconds * options.SampleRate / engine.BlockFrames);
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var wall = (clock.Elapsed - wallBefore).TotalSeconds;
        var dropped = outputs.Sum(o => o.DroppedBlocks) - droppedBefore;
        report.Add(new Row(
            "audio",
            $"CPU per room streaming to Snapcast ({rooms} rooms to a private snapserver in real time: render, 16-bit PCM ring, TCP send; the whole process)",
            "–",
            $"{cpu / wall / rooms * 100:0.00} % of one core per room ({cpu:0.00} s CPU for {wall:0.0} s of {rooms} rooms; {dropped} blocks dropped)",
            "–",
            null));
    }
}
