using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace SettingControl.Testing;

/// <summary>
/// A private snapserver (Debian's <c>snapserver</c>, installed by test.sh): its own config file and data directory, its
/// own free loopback ports for control (JSON-RPC over TCP) and for its clients; HTTP off. The room streams are the
/// <c>source = …</c> lines SettingControl generates (GET /api/snapcast/streams), as staff would paste them.
/// </summary>
public sealed class SnapcastServer : IAsyncDisposable
{
    private readonly string _configFile;
    private Process? _process;

    private SnapcastServer(string configFile, int controlPort, int clientPort)
    {
        _configFile = configFile;
        ControlPort = controlPort;
        ClientPort = clientPort;
    }

    /// <summary>The JSON-RPC port (snapserver.conf's <c>[tcp] port</c>).</summary>
    public int ControlPort { get; }

    /// <summary>Where snapclients connect (<c>[stream] port</c>).</summary>
    public int ClientPort { get; }

    public ConcurrentQueue<string> Log { get; } = new();

    public static string Executable => File.Exists("/usr/bin/snapserver") ? "/usr/bin/snapserver"
        : throw new InvalidOperationException("snapserver is not installed (test.sh installs Debian's snapserver).");

    /// <param name="streamSection">Text holding the room streams' <c>source = …</c> lines; other lines are left out.</param>
    public static async Task<SnapcastServer> StartAsync(string directory, string streamSection)
    {
        Directory.CreateDirectory(directory);
        var data = Path.Combine(directory, "snapserver-data");
        Directory.CreateDirectory(data);
        var controlPort = FreePorts.Next();
        var clientPort = FreePorts.Next();
        var sources = streamSection.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("source =", StringComparison.Ordinal));
        var config = Path.Combine(directory, "snapserver.conf");
        File.WriteAllText(config, $"""
            [server]
            datadir = {data}
            threads = 2
            [http]
            enabled = false
            [tcp]
            enabled = true
            bind_to_address = 127.0.0.1
            port = {controlPort}
            [stream]
            bind_to_address = 127.0.0.1
            port = {clientPort}
            {string.Join('\n', sources)}
            [logging]
            sink = stderr
            """);
        var server = new SnapcastServer(config, controlPort, clientPort);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts (again) with the same file and ports.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_configFile);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Log.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Log.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("snapserver exited: " + string.Join('\n', Log));
                }

                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", ControlPort);
                return true;
            },
            TimeSpan.FromSeconds(15),
            $"snapserver's control port {ControlPort}");
    }

    /// <summary>SIGKILL: no goodbye to the controller or the clients.</summary>
    public void Kill() => Processes.Kill(ref _process);

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A real snapclient playing with <c>--player file</c>: what it would send to a sound card goes to a raw 16-bit stereo
/// PCM file (48000:16:2) in real time, silence included. Its host id names it to the server (and to the room).
/// </summary>
public sealed class SnapclientProcess : IAsyncDisposable
{
    private Process? _process;

    private SnapclientProcess(string file) => File = file;

    /// <summary>The raw PCM the client played.</summary>
    public string File { get; }

    public ConcurrentQueue<string> Log { get; } = new();

    public static SnapclientProcess Start(int serverPort, string hostId, string file)
    {
        var client = new SnapclientProcess(file);
        var start = new ProcessStartInfo(System.IO.File.Exists("/usr/bin/snapclient") ? "/usr/bin/snapclient"
            : throw new InvalidOperationException("snapclient is not installed (test.sh installs Debian's snapclient)."))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", serverPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--hostID", hostId, "--player", $"file:filename={file},mode=w", "--logsink", "stderr" })
        {
            start.ArgumentList.Add(argument);
        }

        client._process = Process.Start(start)!;
        client._process.OutputDataReceived += (_, e) => { if (e.Data is not null) { client.Log.Enqueue(e.Data); } };
        client._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { client.Log.Enqueue(e.Data); } };
        client._process.BeginOutputReadLine();
        client._process.BeginErrorReadLine();
        return client;
    }

    /// <summary>Frames the client has played so far.</summary>
    public long Frames => System.IO.File.Exists(File) ? new FileInfo(File).Length / 4 : 0;

    /// <summary>The samples it played, interleaved stereo as floats in −1 … 1, from frame <paramref name="fromFrame"/>.</summary>
    public float[] Read(long fromFrame = 0)
    {
        using var stream = new FileStream(File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = fromFrame * 4;
        var bytes = new byte[(stream.Length - stream.Position) / 4 * 4];
        stream.ReadExactly(bytes);
        var samples = new float[bytes.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BitConverter.ToInt16(bytes, i * 2) / 32768f;
        }

        return samples;
    }

    public void Kill() => Processes.Kill(ref _process);

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}

internal static class Processes
{
    public static void Kill(ref Process? process)
    {
        if (process is { HasExited: false } running)
        {
            running.Kill();
            running.WaitForExit(10_000);
        }

        process?.Dispose();
        process = null;
    }
}
