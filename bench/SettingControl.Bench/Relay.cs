using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using SettingControl.Testing;

namespace SettingControl.Bench;

/// <summary>
/// The floor for the outside-process scenario: a bare HTTP → MQTT relay, the part a Node-RED flow (HTTP in → function
/// → MQTT out) plays. It reads the brightness from the PUT body, publishes the room's first light's <c>set</c> to the
/// same broker at the same QoS as the controller, and answers once the broker has it. No sign-in, no storage, no room.
/// It runs as a process of its own (<c>SettingControl.Bench relay</c>), as the host does.
/// </summary>
public static class Relay
{
    private const string UserVariable = "SETTINGCONTROL_RELAY_MQTT_USER";
    private const string PasswordVariable = "SETTINGCONTROL_RELAY_MQTT_PASSWORD";

    /// <summary>The relay's own process: <c>relay &lt;httpPort&gt; &lt;mqttPort&gt;</c>, the broker login in the environment.</summary>
    public static async Task<int> RunAsync(int httpPort, int mqttPort)
    {
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        await mqtt.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", mqttPort)
            .WithClientId("bench-relay-" + Guid.NewGuid().ToString("N")[..6])
            .WithCredentials(Environment.GetEnvironmentVariable(UserVariable), Environment.GetEnvironmentVariable(PasswordVariable))
            .Build());

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort}");
        var app = builder.Build();
        app.MapGet("/ping", () => Results.Text("pong"));
        app.MapPut("/api/rooms/{roomId}/lighting", async (string roomId, HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var brightness = body.RootElement.GetProperty("brightness").GetInt32();
            var payload = Encoding.UTF8.GetBytes($$"""{"on":true,"brightness":{{brightness}},"colorTempK":2700,"transitionMs":0}""");
            await mqtt.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"settingcontrol/devices/{roomId}-light-1/set")
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            return Results.Ok();
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>Starts the relay as a process of its own on a free port, publishing to the broker on <paramref name="mqttPort"/>.</summary>
    public static async Task<RelayProcess> StartAsync(int mqttPort, string username, string password)
    {
        var httpPort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Relay).Assembly.Location);
        start.ArgumentList.Add("relay");
        start.ArgumentList.Add(httpPort.ToString());
        start.ArgumentList.Add(mqttPort.ToString());
        start.Environment[UserVariable] = username;
        start.Environment[PasswordVariable] = password;
        var relay = new RelayProcess(Process.Start(start)!, httpPort);
        await Eventually.TrueAsync(
            async () => relay.HasExited
                ? throw new InvalidOperationException("the relay exited: " + await relay.ErrorsAsync())
                : await relay.AnswersAsync(),
            TimeSpan.FromSeconds(30),
            "the relay answering");
        return relay;
    }
}

/// <summary>The relay's process, with a keep-alive client of its own.</summary>
public sealed class RelayProcess : IDisposable
{
    private readonly Process _process;

    public RelayProcess(Process process, int httpPort)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public async Task<bool> AnswersAsync()
    {
        try
        {
            return (await Http.GetAsync("/ping")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public Task<string> ErrorsAsync() => _process.StandardError.ReadToEndAsync();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        Http.Dispose();
    }
}
