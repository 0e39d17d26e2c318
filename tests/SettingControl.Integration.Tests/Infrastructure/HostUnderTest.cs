using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SettingControl.Contracts;
using SettingControl.FirmwareSim;
using SettingControl.Host;
using SettingControl.Host.Services;
using SettingControl.Mqtt.Security;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// The real host (silo, SQLite file, broker, device link, Kestrel) started in this process on free
/// loopback ports, exactly as <c>dotnet run --project src/SettingControl.Host</c> builds it.
/// </summary>
public sealed class HostUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private HostUnderTest(WebApplication app, Uri baseUrl, int mqttPort, string dataDirectory)
    {
        _app = app;
        BaseUrl = baseUrl;
        MqttPort = mqttPort;
        DataDirectory = dataDirectory;
        Http = NewClient(ApiKey);
    }

    /// <summary>The admin API key the host accepts in demo mode (Demo:ApiKey): what scripts and these tests use.</summary>
    public static string ApiKey => TestLogins.ApiKey;

    /// <summary>The demo accounts' password (therapist, staff, admin, observer) when the test did not turn demo mode off.</summary>
    public const string DemoPassword = TestLogins.DemoPassword;

    /// <summary>A client that signs in with a password and keeps the cookie, as the page does (same Origin as the host).</summary>
    public async Task<HttpClient> SignInAsync(string username, string password = DemoPassword)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = BaseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Add("Origin", BaseUrl.GetLeftPart(UriPartial.Authority));
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { username, password });
        response.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>A client of its own: anonymous, or with the given bearer token.</summary>
    public HttpClient NewClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public Uri BaseUrl { get; }

    public int MqttPort { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The in-process simulated devices when started with simulated rooms and RunDevices.</summary>
    public DeviceFleet? SimulatedDevices => _app.Services.GetRequiredService<SimulationService>().Fleet;

    /// <summary>The controller's broker login (generated in the data directory unless configured).</summary>
    public ControllerAccount ControllerAccount => _app.Services.GetRequiredService<ControllerAccount>();

    /// <summary>The simulated rooms' devices, with the broker accounts the host provisioned for them.</summary>
    public IReadOnlyList<SimulatedDeviceOptions> SimulatedDeviceOptions(int rooms) =>
        SimulatedFacility.ForRooms(rooms, "127.0.0.1", MqttPort, credentials: SimulatedCredentialsIn(DataDirectory));

    /// <summary>Reads the passwords the host keeps for its simulated devices (as `firmware-sim --credentials-file` does).</summary>
    public static Func<string, (string? User, string? Password)> SimulatedCredentialsIn(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, SimulatedDeviceCredentials.FileName);
        var passwords = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!;
        return id => passwords.TryGetValue(id, out var password) ? (id, password) : (null, null);
    }

    /// <summary>Creates (or rotates) a device's broker account through the staff API; returns the password.</summary>
    public async Task<string> IssueDeviceCredentialsAsync(string deviceId)
    {
        var response = await Http.PostAsync($"/api/devices/{deviceId}/credentials", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedCredentials>())!.Password;
    }

    private sealed record IssuedCredentials(string DeviceId, string Username, string Password);

    public static string NewDataDirectory() => TestLogins.NewDataDirectory();

    /// <param name="logs">Captures the host's log; everything down to Trace unless <paramref name="logsAsShown"/>.</param>
    /// <param name="logsAsShown">Capture only what the configured log levels show on the console.</param>
    public static async Task<HostUnderTest> StartAsync(
        int simulatedRooms = 1,
        bool runSimulatedDevices = true,
        string? dataDirectory = null,
        int? mqttPort = null,
        IDictionary<string, string>? extra = null,
        bool waitHealthy = true,
        CapturedLogs? logs = null,
        int? httpPort = null,
        bool logsAsShown = false)
    {
        dataDirectory ??= NewDataDirectory();
        var port = mqttPort ?? FreePorts.Next();
        httpPort ??= FreePorts.Next();
        var args = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Mqtt:Port"] = port.ToString(),
            ["Orleans:SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePorts.Next().ToString(),
            ["Simulation:Rooms"] = simulatedRooms.ToString(),
            ["Simulation:RunDevices"] = runSimulatedDevices.ToString(),
            ["Demo:Enabled"] = "true",
            ["Demo:ApiKey"] = ApiKey,
            ["Demo:Password"] = DemoPassword,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:SettingControl"] = "Information",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            args[key] = value;
        }

        if (logs is not null && !logsAsShown)
        {
            // Everything down to Trace reaches the capture (the host's quiet defaults for Microsoft and Orleans
            // included); the console stays at its usual level.
            args["Logging:LogLevel:Default"] = "Trace";
            args["Logging:LogLevel:Microsoft"] = "Trace";
            args["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Trace";
            args["Logging:LogLevel:Orleans"] = "Trace";
            args["Logging:Console:LogLevel:Default"] = "Warning";
        }

        var app = SettingControlApp.Build(args.Select(kv => $"--{kv.Key}={kv.Value}").ToArray());
        if (logs is not null)
        {
            app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(logs);
        }

        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A host that fails to start (a test may mean it to) must not leave its silo or ports behind.
            try
            {
                await app.StopAsync();
            }
            catch (Exception)
            {
                // Already failing; the start failure is the one that matters.
            }

            await app.DisposeAsync();
            throw;
        }

        var host = new HostUnderTest(app, new Uri($"http://127.0.0.1:{httpPort}"), port, dataDirectory);
        if (waitHealthy)
        {
            await host.WaitHealthyAsync();
        }

        return host;
    }

    public async Task WaitHealthyAsync(TimeSpan? timeout = null) =>
        await Eventually.TrueAsync(async () => (await Http.GetAsync("/healthz")).IsSuccessStatusCode, timeout ?? TimeSpan.FromSeconds(30), "host healthy");

    public async Task<RoomSnapshot> GetRoomAsync(string roomId) =>
        (await Http.GetFromJsonAsync<RoomSnapshot>($"/api/rooms/{roomId}"))!;

    public async Task<HubConnection> ConnectHubAsync(string? bearer = null)
    {
        var token = bearer ?? ApiKey;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseUrl, "/hubs/rooms"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            // The host drops a client that has been silent for 6 s: ping as often as the dashboard does.
            .WithKeepAliveInterval(TimeSpan.FromSeconds(2))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
        Http.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
