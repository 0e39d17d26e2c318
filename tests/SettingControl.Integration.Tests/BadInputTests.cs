using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using MQTTnet;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>Malformed device messages and invalid API/hub calls: no crash, no room change, every one counted.</summary>
public sealed class BadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Per publisher; four publishers make 10,400 malformed messages.</summary>
    private const int MessagesPerPublisher = 2600;

    private static readonly string[] RoomDevices = ["room-1-light-1", "room-1-light-2", "room-1-mask"];
    private const string SpareDevice = "spare-light-9";
    private readonly List<IMqttClient> _clients = [];
    private HostUnderTest _host = null!;

    public async Task InitializeAsync()
    {
        // The room's devices are played by the test's own clients, logged in with the devices' own accounts:
        // a buggy or compromised device is exactly what sends garbage.
        _host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Ten_thousand_malformed_payloads_from_authenticated_devices_on_every_device_topic_are_dropped_counted_and_change_no_room()
    {
        var credentials = HostUnderTest.SimulatedCredentialsIn(_host.DataDirectory);
        var spare = await _host.IssueDeviceCredentialsAsync(SpareDevice);
        var publishers = new List<(string DeviceId, IMqttClient Client)>();
        foreach (var id in RoomDevices)
        {
            var client = await ConnectAsDeviceAsync(id, credentials(id).Password!);
            await PublishValidIdentityAsync(client, id);
            publishers.Add((id, client));
        }

        // Provisioned but in no room: to the rooms it is an unknown device, and what it says controls nothing.
        var spareClient = await ConnectAsDeviceAsync(SpareDevice, spare);
        await PublishValidIdentityAsync(spareClient, SpareDevice);
        publishers.Add((SpareDevice, spareClient));
        await Eventually.TrueAsync(
            async () => (await _host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online" && d.Actual is not null),
            TimeSpan.FromSeconds(20),
            "room-1 online with reported state");
        await Eventually.TrueAsync(
            async () => (await Diagnostics()).GetProperty("deviceLink").GetProperty("droppedByReason").TryGetProperty("UnassignedDevice", out var c) && c.GetInt64() >= 3,
            TimeSpan.FromSeconds(10),
            "the spare device's valid messages dropped as unassigned");
        var before = await _host.GetRoomAsync("room-1");
        var countersBefore = (await Diagnostics()).GetProperty("deviceLink");

        var random = new Random(20261124);
        var published = 0;
        foreach (var (deviceId, client) in publishers)
        {
            for (var i = 0; i < MessagesPerPublisher; i++)
            {
                var (suffix, payload) = Malformed(random, i);
                var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"settingcontrol/devices/{deviceId}/{suffix}")
                    .WithPayload(payload)
                    .Build());
                Assert.True(result.IsSuccess);
                published++;
            }
        }

        // A device writing on another device's topics, or sending commands, is stopped by the broker itself.
        foreach (var topic in new[] { "room-1-light-2/state", "room-1-mask/availability", "room-1-light-2/announce", "room-1-light-1/set", "unknown-device/state" })
        {
            await publishers[0].Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("settingcontrol/devices/" + topic)
                .WithPayload("""{"on":true,"brightness":100,"colorTempK":6500}""").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        Assert.True(published >= 10_000);
        // Oversized payloads are refused by the broker itself (and never reach the controller); the rest are dropped by the link.
        await Eventually.TrueAsync(
            async () =>
            {
                var link = (await Diagnostics()).GetProperty("deviceLink");
                var dropped = link.GetProperty("messagesDropped").GetInt64() - countersBefore.GetProperty("messagesDropped").GetInt64();
                var refusedTooLarge = link.GetProperty("refusedByReason").TryGetProperty("PayloadTooLarge", out var r) ? r.GetInt64() : 0;
                return dropped + refusedTooLarge >= published;
            },
            TimeSpan.FromSeconds(60),
            "every malformed message counted as dropped or refused");

        var after = await _host.GetRoomAsync("room-1");
        Assert.Equal(before.Desired, after.Desired);
        Assert.Equal(before.LastChange, after.LastChange);
        foreach (var device in before.Devices)
        {
            var now = after.Devices.Single(d => d.DeviceId == device.DeviceId);
            Assert.Equal(device.Actual, now.Actual);
            Assert.Equal("online", now.Availability);
        }

        var link = (await Diagnostics()).GetProperty("deviceLink");
        var drops = link.GetProperty("droppedByReason");
        foreach (var reason in new[] { "InvalidJson", "OutOfRange", "NotUtf8", "UnknownValue", "MissingField", "IdMismatch", "UnassignedDevice" })
        {
            Assert.True(drops.TryGetProperty(reason, out var count) && count.GetInt64() > 0, $"drops counted under {reason}");
            output.WriteLine($"dropped {reason}: {count}");
        }

        output.WriteLine("device link counters: " + link);
        Assert.True(link.GetProperty("refusedByReason").GetProperty("PublishDenied").GetInt64() >= 5, "the broker refused and counted the foreign topics");
        Assert.True(link.GetProperty("refusedByReason").GetProperty("PayloadTooLarge").GetInt64() > 0, "the broker refused and counted the oversized payloads");
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.GetAsync("/healthz")).StatusCode);
        output.WriteLine($"{published} malformed payloads from {publishers.Count} authenticated devices: none accepted, room unchanged");
    }

    [Fact]
    public async Task Messages_from_devices_no_room_owns_change_nothing()
    {
        var before = await _host.GetRoomAsync("room-1");
        var password = await _host.IssueDeviceCredentialsAsync("intruder");
        var client = await ConnectAsDeviceAsync("intruder", password);
        for (var i = 0; i < 200; i++)
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("settingcontrol/devices/intruder/state")
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

    private async Task<IMqttClient> ConnectAsDeviceAsync(string deviceId, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        _clients.Add(client);
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _host.MqttPort)
            .WithClientId(deviceId)
            .WithCredentials(deviceId, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static async Task PublishValidIdentityAsync(IMqttClient client, string deviceId)
    {
        var kind = deviceId.EndsWith("mask", StringComparison.Ordinal) ? "mask" : "light";
        var state = kind == "mask" ? """{"on":false,"light":0,"worn":true,"battery":80}""" : """{"on":true,"brightness":40,"colorTempK":2700}""";
        foreach (var (suffix, payload) in new[]
        {
            ("announce", $$"""{"id":"{{deviceId}}","kind":"{{kind}}","model":"fuzz-1","firmware":"1.0.0"}"""),
            ("availability", "online"),
            ("state", state),
        })
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"settingcontrol/devices/{deviceId}/{suffix}")
                .WithPayload(payload).WithRetainFlag(true).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
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
        switch (i % 11)
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
            case 7:
                // Unknown fields are tolerated, but not in place of a required one.
                return ("state", Encoding.UTF8.GetBytes($$"""{"brightness":20,"x-vendor":{{random.Next()}},"nested":{"a":[1,2]},"z":0}"""));
            case 8:
                // An announce naming some other (unknown) device than the topic's.
                return ("announce", Encoding.UTF8.GetBytes($$"""{"id":"ghost-{{random.Next(1000)}}","kind":"light","model":"m","firmware":"1"}"""));
            case 9:
                var kelvin = random.Next(2) == 0 ? -5 : 90000;
                return ("state", Encoding.UTF8.GetBytes($$"""{"on":true,"colorTempK":{{kelvin}}}"""));
            default:
                return ("state", Encoding.UTF8.GetBytes("""{"brightness":20,"colorTempK":2000}"""));
        }
    }
}
