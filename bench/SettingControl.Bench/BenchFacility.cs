using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SettingControl.Host;
using SettingControl.Mqtt.Security;

namespace SettingControl.Bench;

/// <summary>The real host started in this process on free loopback ports, with N rooms and no simulated devices.</summary>
public sealed class BenchFacility : IAsyncDisposable
{
    private BenchFacility(WebApplication app, int httpPort, int mqttPort, string dataDirectory, string apiKey, TimeSpan startToHealthy)
    {
        App = app;
        HttpPort = httpPort;
        MqttPort = mqttPort;
        DataDirectory = dataDirectory;
        ApiKey = apiKey;
        StartToHealthy = startToHealthy;
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public WebApplication App { get; }

    public int HttpPort { get; }

    public int MqttPort { get; }

    /// <summary>The embedded broker with the logins the benchmark clients use.</summary>
    public BenchBroker Broker { get; private set; } = null!;

    public string DataDirectory { get; }

    public string ApiKey { get; }

    public TimeSpan StartToHealthy { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort}");

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    /// <param name="rooms">Simulated rooms room-1 … room-N, each with two v1 lights and a mask assigned (not run).</param>
    /// <param name="extraArgs">More configuration, such as rooms of their own (<c>--Rooms:0:Id=…</c>).</param>
    public static async Task<BenchFacility> StartAsync(int rooms, string? dataDirectory = null, int? mqttPort = null, IReadOnlyList<string>? extraArgs = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "settingcontrol-bench", Guid.NewGuid().ToString("N"));
        var httpPort = FreePort();
        var port = mqttPort ?? FreePort();
        var apiKey = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var started = Stopwatch.StartNew();
        var app = SettingControlApp.Build(
        [
            $"--urls=http://127.0.0.1:{httpPort}",
            $"--Storage:DataDirectory={dataDirectory}",
            $"--Mqtt:Port={port}",
            $"--Orleans:SiloPort={FreePort()}",
            $"--Orleans:GatewayPort={FreePort()}",
            $"--Simulation:Rooms={rooms}",
            "--Simulation:RunDevices=false",
            "--Demo:Enabled=true",
            "--Simulation:ProvisionCredentials=false",
            $"--Demo:ApiKey={apiKey}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            .. extraArgs ?? [],
        ]);
        await app.StartAsync();
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        while (!(await probe.GetAsync("/healthz")).IsSuccessStatusCode)
        {
            await Task.Delay(10);
        }

        var facility = new BenchFacility(app, httpPort, port, dataDirectory, apiKey, started.Elapsed);

        // The device doubles speak for every device over one connection each, as a gateway (a Zigbee2MQTT bridge) does.
        var controller = app.Services.GetRequiredService<ControllerAccount>();
        var gatewayPassword = app.Services.GetRequiredService<MqttAccountStore>().IssueGateway("bench-devices");
        facility.Broker = new BenchBroker(port, "bench-devices", gatewayPassword, controller.Username, controller.Password);
        return facility;
    }

    public async Task<HubConnection> ConnectHubAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseUrl, "/hubs/rooms"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(ApiKey))
            // The host drops a client that has been silent for 6 s: ping as often as the dashboard does.
            .WithKeepAliveInterval(TimeSpan.FromSeconds(2))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Where the benchmark's MQTT clients connect, and as whom.</summary>
public sealed record BenchBroker(int Port, string GatewayUser, string GatewayPassword, string ControllerUser, string ControllerPassword)
{
    /// <summary>A device-side client: publishes device topics, reads set.</summary>
    public MQTTnet.MqttClientOptions AsGateway(string clientId) =>
        new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithClientId(clientId).WithCredentials(GatewayUser, GatewayPassword).Build();

    /// <summary>A controller-side client: reads device topics, publishes set.</summary>
    public MQTTnet.MqttClientOptions AsController(string clientId) =>
        new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithClientId(clientId).WithCredentials(ControllerUser, ControllerPassword).Build();
}
