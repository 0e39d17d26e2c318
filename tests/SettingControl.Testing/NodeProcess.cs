using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace SettingControl.Testing;

/// <summary>
/// One node of a cluster as its own process (<c>dotnet SettingControl.Host.dll</c>) on its own HTTP, silo and gateway
/// ports, signed in with the demo API key, its output kept for a failure message; <see cref="Kill"/> is a kill -9.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;

    private NodeProcess(string name, Process process, int httpPort, int siloPort, string dataDirectory)
    {
        Name = name;
        DataDirectory = dataDirectory;
        _process = process;
        SiloPort = siloPort;
        BaseUrl = new Uri($"http://127.0.0.1:{httpPort}");
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestLogins.ApiKey);
    }

    public string Name { get; }

    /// <summary>The node's own data directory (<c>Storage:DataDirectory</c>): its latch file, its file audio outputs.</summary>
    public string DataDirectory { get; }

    public int SiloPort { get; }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public static NodeProcess Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var httpPort = FreePorts.Next();
        var siloPort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        var args = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["Storage:DataDirectory"] = TestLogins.NewDataDirectory(),
            ["Orleans:SiloPort"] = siloPort.ToString(),
            ["Orleans:GatewayPort"] = FreePorts.Next().ToString(),
            ["Demo:Enabled"] = "true",
            ["Demo:ApiKey"] = TestLogins.ApiKey,
            ["Demo:Password"] = TestLogins.DemoPassword,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:SettingControl.Host.Services.ClusterMembership"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            args[key] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SettingControl.Host.dll"));
        foreach (var (key, value) in args)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start)!;
        var node = new NodeProcess(name, process, httpPort, siloPort, args["Storage:DataDirectory"]);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { node.Output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { node.Output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public Task WaitReadyAsync() =>
        Eventually.TrueAsync(
            async () => _process.HasExited
                ? throw new InvalidOperationException($"node {Name} exited: {string.Join('\n', Output)}")
                : (await Http.GetAsync("/healthz")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            $"node {Name} healthy");

    public async Task<HubConnection> ConnectHubAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseUrl, "/hubs/rooms"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestLogins.ApiKey))
            .WithKeepAliveInterval(TimeSpan.FromSeconds(2))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    /// <summary>SIGKILL: no shutdown hooks, no goodbye to the cluster or the broker.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        Http.Dispose();
    }
}
