using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using MQTTnet;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>Malformed device messages and invalid API/hub calls: no crash, no room change, every one counted.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const int DeviceMessages = 3000;
    private HostUnderTest _host = null!;

    public async Task InitializeAsync()
    {
        _host = await HostUnderTest.StartAsync(simulatedRooms: 1);
        await Eventually.TrueAsync(
            async () => (await _host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online" && d.Actual is not null),
            TimeSpan.FromSeconds(20),
            "room-1 online with reported state");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Thousands_of_malformed_device_payloads_are_dropped_and_counted_and_change_no_room()
    {
        // Let the simulated devices settle so their own reports don't blur the picture.
        await Task.Delay(1500);
        var before = await _host.GetRoomAsync("room-1");
        var countersBefore = await Diagnostics();

        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _host.MqttPort).WithClientId("fuzzer").Build());
        var random = new Random(20261124);
        string[] devices = ["room-1-light-1", "room-1-light-2", "room-1-mask"];
        for (var i = 0; i < DeviceMessages; i++)
        {
            var device = devices[i % devices.Length];
            var (suffix, payload) = Malformed(random, i);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic($"settingcontrol/devices/{device}/{suffix}")
                .WithPayload(payload)
                .Build();
            var result = await client.PublishAsync(message);
            Assert.True(result.IsSuccess);
        }

        await Eventually.TrueAsync(
            async () => (await Diagnostics()).GetProperty("deviceLink").GetProperty("messagesDropped").GetInt64()
                        - countersBefore.GetProperty("deviceLink").GetProperty("messagesDropped").GetInt64() >= DeviceMessages,
            TimeSpan.FromSeconds(30),
            "every malformed message counted as dropped");

        var after = await _host.GetRoomAsync("room-1");
        Assert.Equal(before.Desired, after.Desired);
        foreach (var device in before.Devices)
        {
            var now = after.Devices.Single(d => d.DeviceId == device.DeviceId);
            Assert.Equal(device.Actual, now.Actual);
            Assert.Equal("online", now.Availability);
        }

        var drops = (await Diagnostics()).GetProperty("deviceLink").GetProperty("droppedByReason");
        foreach (var reason in new[] { "InvalidJson", "OutOfRange", "TooLarge", "NotUtf8", "UnknownValue", "MissingField" })
        {
            Assert.True(drops.TryGetProperty(reason, out var count) && count.GetInt64() > 0, $"drops counted under {reason}");
        }

        Assert.Equal(HttpStatusCode.OK, (await _host.Http.GetAsync("/healthz")).StatusCode);
        (await _host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 55 })).EnsureSuccessStatusCode();
        Assert.True(await _host.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 55, TimeSpan.FromSeconds(15)),
            "the room still works after the flood");
    }

    [Fact]
    public async Task Messages_from_devices_no_room_owns_change_nothing()
    {
        var before = await _host.GetRoomAsync("room-1");
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _host.MqttPort).WithClientId("impostor").Build());
        for (var i = 0; i < 200; i++)
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"settingcontrol/devices/intruder-{i}/state")
                .WithPayload("""{"on":true,"brightness":100,"colorTempK":6500}""")
                .Build());
        }

        await Eventually.TrueAsync(
            async () => (await Diagnostics()).GetProperty("deviceLink").GetProperty("droppedByReason").TryGetProperty("UnassignedDevice", out var c) && c.GetInt64() >= 200,
            TimeSpan.FromSeconds(15),
            "unassigned-device messages counted");
        var after = await _host.GetRoomAsync("room-1");
        Assert.Equal(before.Desired, after.Desired);
        Assert.Equal(before.Devices.Select(d => d.DeviceId), after.Devices.Select(d => d.DeviceId));
    }

    [Fact]
    public async Task Invalid_api_and_hub_calls_get_clear_errors_and_change_nothing()
    {
        var before = await _host.GetRoomAsync("room-1");
        var bodies = new (string Route, string Body)[]
        {
            ("lighting", """{"brightness":101}"""),
            ("lighting", """{"brightness":-1}"""),
            ("lighting", """{"colorTempK":1000}"""),
            ("lighting", """{"colorTempK":9000,"brightness":5}"""),
            ("lighting", """{"transitionMs":-10,"brightness":5}"""),
            ("lighting", """{"brightness":"bright"}"""),
            ("lighting", """{"on":"yes"}"""),
            ("lighting", """{}"""),
            ("lighting", """{"brightness":"""),
            ("lighting", "not json at all"),
            ("lighting", "null"),
            ("lighting", "[1,2,3]"),
            ("lighting", """{"brightness":1e400}"""),
            ("mask", """{"light":150}"""),
            ("mask", """{"on":1}"""),
            ("mask", """{}"""),
        };
        var random = new Random(7);
        for (var round = 0; round < 40; round++)
        {
            foreach (var (route, body) in bodies)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                var response = await _host.Http.PutAsync($"/api/rooms/room-1/{route}", content);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            }

            var junkRoom = $"room-{random.Next(100, 1000)}";
            Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.PutAsJsonAsync($"/api/rooms/{junkRoom}/mask", new { on = true })).StatusCode);
        }

        var problem = await (await _host.Http.PutAsync("/api/rooms/room-1/lighting", new StringContent("""{"brightness":101}""", Encoding.UTF8, "application/json")))
            .Content.ReadAsStringAsync();
        Assert.Contains("between 0% and 100%", problem);

        await using var hub = await _host.ConnectHubAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<RoomSnapshot>("SetLighting", "room-1", new SetLightingRequest(Brightness: 300)));
        Assert.Contains("brightness", error.Message);
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<RoomSnapshot>("SetMask", "room-1", new SetMaskRequest(Light: -4)));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<RoomSnapshot>("SetMask", "../etc", new SetMaskRequest(Light: 4)));
        await Assert.ThrowsAnyAsync<Exception>(() => hub.InvokeAsync<RoomSnapshot>("SetLighting", "room-1", "not an object"));
        Assert.Equal(HubConnectionState.Connected, hub.State);

        var after = await _host.GetRoomAsync("room-1");
        Assert.Equal(before.Desired, after.Desired);
        Assert.Equal(before.LastChange, after.LastChange);
        var api = (await Diagnostics()).GetProperty("api");
        Assert.True(api.GetProperty("rejectedInvalid").GetInt64() >= 40 * 8);
        Assert.True(api.GetProperty("rejectedMalformed").GetInt64() >= 40 * 5);
        Assert.True(api.GetProperty("rejectedNotFound").GetInt64() >= 40);
    }

    private async Task<JsonElement> Diagnostics() =>
        await _host.Http.GetFromJsonAsync<JsonElement>("/api/diagnostics");

    /// <summary>A malformed message of one of several kinds, chosen by index so every kind appears.</summary>
    private static (string Suffix, byte[] Payload) Malformed(Random random, int i)
    {
        string[] suffixes = ["state", "announce", "availability"];
        var suffix = suffixes[random.Next(suffixes.Length)];
        switch (i % 8)
        {
            case 0:
                var bytes = new byte[random.Next(1, 200)];
                random.NextBytes(bytes);
                bytes[0] = 0xff; // never valid UTF-8 and never a valid word
                return (suffix, bytes);
            case 1:
                var valid = """{"on":true,"brightness":50,"colorTempK":2700}""";
                return ("state", Encoding.UTF8.GetBytes(valid[..random.Next(1, valid.Length - 1)]));
            case 2:
                return ("state", Encoding.UTF8.GetBytes("""{"on":"maybe","brightness":[1]}"""));
            case 3:
                return ("state", Encoding.UTF8.GetBytes($$"""{"on":true,"brightness":{{random.Next(101, 100000)}}}"""));
            case 4:
                return (suffix, Encoding.UTF8.GetBytes("{\"on\":true,\"pad\":\"" + new string('x', 6000) + "\"}"));
            case 5:
                return ("availability", Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "ONLINE" : "maybe"));
            case 6:
                return ("announce", Encoding.UTF8.GetBytes("""{"kind":"light","unknown":true}"""));
            default:
                return ("state", Encoding.UTF8.GetBytes("""{"brightness":20,"colorTempK":2000}"""));
        }
    }
}
