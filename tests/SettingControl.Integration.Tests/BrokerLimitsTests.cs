using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Security;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// What one device, one stray client or a second host can do to the embedded broker: an oversized payload is refused
/// (not retained), a second host cannot share the MQTT port, nobody else can take the controller's client id, refused
/// connects do not flood the log, and the controller's login may watch all its traffic as the README shows.
/// </summary>
public sealed class BrokerLimitsTests(ITestOutputHelper output)
{
    private const string Light = "room-1-light-1";

    [Fact]
    public async Task A_device_publishing_a_1_MB_retained_state_is_refused_not_retained_and_counted()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false);
        var password = HostUnderTest.SimulatedCredentialsIn(host.DataDirectory)(Light).Password!;
        using var device = await ConnectAsync(host, Light, password, Light);
        var stateTopic = $"settingcontrol/devices/{Light}/state";
        var valid = await device.PublishAsync(Retained(stateTopic, Encoding.UTF8.GetBytes("""{"on":true,"brightness":30,"colorTempK":2700}""")));
        Assert.True(valid.IsSuccess);

        var huge = Encoding.UTF8.GetBytes("{\"on\":true,\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");
        var refused = await device.PublishAsync(Retained(stateTopic, huge));
        output.WriteLine($"1 MB retained state: {refused.ReasonCode} '{refused.ReasonString}'");
        Assert.False(refused.IsSuccess);

        // A subscriber that comes later gets what is retained: the small valid state, not the megabyte.
        var retained = new ConcurrentQueue<MqttApplicationMessage>();
        using var watcher = await ConnectAsync(host, host.ControllerAccount.Username, host.ControllerAccount.Password, "late-watcher");
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            retained.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync(stateTopic, MqttQualityOfServiceLevel.AtLeastOnce);
        await Eventually.TrueAsync(() => !retained.IsEmpty, TimeSpan.FromSeconds(10), "the retained state delivered");
        Assert.All(retained, m => Assert.True(m.Payload.Length <= EmbeddedBroker.MaxDevicePayloadBytes, $"retained {m.Payload.Length} bytes"));
        Assert.Contains("\"brightness\":30", retained.First().ConvertPayloadToString());

        var metrics = await host.Http.GetStringAsync("/metrics");
        Assert.Matches("settingcontrol_mqtt_refused_total\\{[^}]*reason=\"PayloadTooLarge\"[^}]*\\} 1\\n", metrics);
        Assert.True(device.IsConnected, "the device was refused one message, not disconnected");
    }

    [Fact]
    public async Task A_second_host_on_the_same_MQTT_port_fails_to_start_naming_the_port_and_the_first_keeps_working()
    {
        await using var first = await HostUnderTest.StartAsync(simulatedRooms: 1);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => HostUnderTest.StartAsync(simulatedRooms: 1, mqttPort: first.MqttPort));
        var messages = Chain(failure).Select(e => e.Message).ToArray();
        output.WriteLine(string.Join(" <- ", messages));
        Assert.Contains(messages, m => m.Contains($"MQTT port {first.MqttPort}", StringComparison.Ordinal) && m.Contains("already in use", StringComparison.Ordinal));

        // The first host still owns every device: a change reaches both lights.
        (await first.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 27 })).EnsureSuccessStatusCode();
        foreach (var light in new[] { "room-1-light-1", "room-1-light-2" })
        {
            Assert.True(await first.SimulatedDevices![light].WaitUntilAsync(s => s.Brightness == 27, TimeSpan.FromSeconds(15)), $"{light} got the change");
        }

        Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Staff_cannot_issue_a_device_account_named_after_the_controllers_client_id_or_username()
    {
        await using var host = await HostUnderTest.StartAsync(
            simulatedRooms: 0,
            extra: new Dictionary<string, string> { ["Mqtt:Username"] = "ops-controller", ["Mqtt:Password"] = MqttAccountStore.NewPassword() });
        foreach (var reserved in new[] { MqttOptions.DefaultClientId, "ops-controller" })
        {
            var response = await host.Http.PostAsync($"/api/devices/{reserved}/credentials", null);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            output.WriteLine($"{reserved}: {(int)response.StatusCode} {body}");
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("reserved for the controller", body.GetProperty("detail").GetString());
        }

        Assert.DoesNotContain(MqttOptions.DefaultClientId, await host.Http.GetStringAsync("/api/devices/credentials"));
    }

    [Fact]
    public async Task No_login_but_the_controllers_may_use_its_client_id_and_the_controller_stays_connected()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        var metrics = host.Services.GetRequiredService<DeviceLinkMetrics>();
        var link = host.Services.GetRequiredService<IDeviceLinkStatus>();
        await Eventually.TrueAsync(() => link.IsConnected, TimeSpan.FromSeconds(10), "the controller connected");
        var reconnectsBefore = metrics.Snapshot().Reconnects;

        var gatewayPassword = host.Services.GetRequiredService<MqttAccountStore>().IssueGateway("zigbee-bridge");
        var devicePassword = HostUnderTest.SimulatedCredentialsIn(host.DataDirectory)(Light).Password!;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync(host, "zigbee-bridge", gatewayPassword, MqttOptions.DefaultClientId));
            Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync(host, Light, devicePassword, MqttOptions.DefaultClientId));
        }

        // A command round trip after the attempts: had any of them taken the controller's session, the link would
        // have been knocked off and reconnected.
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 31 })).EnsureSuccessStatusCode();
        Assert.True(await host.SimulatedDevices![Light].WaitUntilAsync(s => s.Brightness == 31, TimeSpan.FromSeconds(15)));
        Assert.True(link.IsConnected);
        Assert.Equal(reconnectsBefore, metrics.Snapshot().Reconnects);
        var refused = metrics.Snapshot().RefusedByReason;
        Assert.Equal(5, refused["ClientIdReserved"]);
        Assert.Equal(5, refused["ClientIdMismatch"]);

        // The gateway itself is fine under an id of its own.
        Assert.Equal(MqttClientConnectResultCode.Success, await TryConnectAsync(host, "zigbee-bridge", gatewayPassword, "zigbee-bridge"));
    }

    [Fact]
    public async Task Refused_connects_are_logged_once_per_client_and_reason_with_a_count_and_no_stack_trace()
    {
        var logs = new CapturedLogs();
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, logs: logs);
        const int attempts = 40;
        for (var i = 0; i < attempts; i++)
        {
            // A new client id every time, as a flood would.
            Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync(host, Light, "wrong-" + i, $"{Light}\nforged-{i}"));
        }

        await Eventually.TrueAsync(
            () => host.Services.GetRequiredService<DeviceLinkMetrics>().Snapshot().RefusedByReason.GetValueOrDefault("BadCredentials") == attempts,
            TimeSpan.FromSeconds(10),
            "every refusal counted");
        var logged = logs.Entries.Where(e => e.Contains("refused a connection", StringComparison.Ordinal)).ToArray();
        foreach (var entry in logged)
        {
            output.WriteLine(entry);
        }

        Assert.Single(logged);
        Assert.Contains("BadCredentials", logged[0]);
        Assert.DoesNotContain("\n", logged[0].Split(" | ")[0]);
        Assert.DoesNotContain("   at ", logged[0]);
    }

    /// <summary>The README's own command, run as written (with the test host's port) from a directory whose <c>data</c> is the host's.</summary>
    [Fact]
    public async Task The_READMEs_traffic_command_shows_a_devices_state_with_the_controllers_login()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        await Eventually.TrueAsync(
            async () => (await host.GetRoomAsync("room-1")).Devices.All(d => d.Actual is not null),
            TimeSpan.FromSeconds(20),
            "the devices reported their state");
        var command = ReadmeTrafficCommand();
        output.WriteLine(command);

        var workingDirectory = Path.Combine(Path.GetTempPath(), "settingcontrol-tests", "readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workingDirectory);
        File.CreateSymbolicLink(Path.Combine(workingDirectory, "data"), host.DataDirectory);

        // -p for the test host's free port; -W ends it once the retained messages are in.
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{command} -p {host.MqttPort} -W 3");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        Assert.DoesNotContain("denied", await stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains((await stdout).Split('\n'), line => line.StartsWith($"settingcontrol/devices/{Light}/state {{", StringComparison.Ordinal));
    }

    private static string ReadmeTrafficCommand()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var line = readme.Split('\n').Single(l => l.Contains("mosquitto_sub", StringComparison.Ordinal) && l.Contains("'settingcontrol/#'", StringComparison.Ordinal));
        var start = line.IndexOf("`mosquitto_sub", StringComparison.Ordinal) + 1;
        return line[start..line.IndexOf('`', start)];
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }

    private static MqttApplicationMessage Retained(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(true).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task<IMqttClient> ConnectAsync(HostUnderTest host, string username, string password, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(Options(host, username, password, clientId));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static async Task<MqttClientConnectResultCode> TryConnectAsync(HostUnderTest host, string username, string password, string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            return (await client.ConnectAsync(Options(host, username, password, clientId))).ResultCode;
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Some refusals surface as a closed connection rather than a CONNACK.
            return MqttClientConnectResultCode.UnspecifiedError;
        }
    }

    private static MqttClientOptions Options(HostUnderTest host, string username, string password, string clientId) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", host.MqttPort)
            .WithClientId(clientId)
            .WithCredentials(username, password)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
}
