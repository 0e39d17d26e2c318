using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>Readiness with reasons, and OpenTelemetry metrics scraped from /metrics after real traffic.</summary>
public sealed class ObservabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Readyz_says_why_the_controller_is_not_ready_and_recovers()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        var ready = await host.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var broker = host.Services.GetRequiredService<EmbeddedBroker>();
        await broker.StopAsync(CancellationToken.None);
        await Eventually.TrueAsync(async () => (await host.Http.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "not ready without the broker");
        var body = await (await host.Http.GetAsync("/readyz")).Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine(body.ToString());
        Assert.Equal("disconnected", body.GetProperty("checks").GetProperty("broker").GetString());
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("broker:", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/ping")).StatusCode);

        await broker.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(async () => (await host.Http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "ready again");
    }

    [Fact]
    public async Task Metrics_count_messages_commands_latency_refusals_reconnects_connections_and_rooms()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 2);
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 33 })).EnsureSuccessStatusCode();
        Assert.True(await host.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 33, TimeSpan.FromSeconds(15)));
        using (var intruder = new MqttClientFactory().CreateMqttClient())
        {
            await intruder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).WithCredentials("room-1-mask", "wrong").WithClientId("room-1-mask-x").Build());
        }

        // The room gauge refreshes every 5 s; everything else is live.
        string text = string.Empty;
        await Eventually.TrueAsync(
            async () =>
            {
                text = await host.Http.GetStringAsync("/metrics");
                return System.Text.RegularExpressions.Regex.IsMatch(text, "settingcontrol_rooms_active(\\{[^}]*\\})? 2\\n");
            },
            TimeSpan.FromSeconds(20),
            "the scrape shows 2 active rooms");
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("settingcontrol_", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        Assert.Matches("settingcontrol_device_messages_in_total\\{[^}]*kind=\"state\"[^}]*\\} [1-9]", text);
        Assert.Matches("settingcontrol_device_commands_out_total\\{[^}]*kind=\"light\"[^}]*\\} [1-9]", text);
        Assert.Matches("settingcontrol_device_command_publish_latency_milliseconds_count\\{[^}]*\\} [1-9]", text);
        Assert.Matches("settingcontrol_mqtt_refused_total\\{[^}]*reason=\"BadCredentials\"[^}]*\\} 1", text);
        Assert.Matches("settingcontrol_mqtt_reconnects_total(\\{[^}]*\\})? [1-9]", text);
        Assert.Matches("settingcontrol_mqtt_connections\\{[^}]*side=\"controller\"[^}]*\\} 1", text);
        Assert.Matches("settingcontrol_mqtt_connections\\{[^}]*side=\"embedded-broker\"[^}]*\\} ([7-9]|[1-9][0-9])", text);
    }
}
