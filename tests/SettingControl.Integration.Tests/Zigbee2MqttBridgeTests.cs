using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// A Zigbee2MQTT bridge end to end on the embedded broker, as staff and the bridge would do it: register the bridge,
/// connect with its login, publish its retained topics; its bulb appears among the devices, is read back with
/// <c>/get</c>, is assigned to a room, and the room's slider drives it with Zigbee2MQTT's own payloads.
/// </summary>
public sealed class Zigbee2MqttBridgeTests
{
    private const string BulbId = "0x00178801023ab5c1";
    private const string BulbName = "therapy/lamp";

    private const string DeviceList = """
        [
          {"ieee_address":"0x00124b0022ab1234","type":"Coordinator","friendly_name":"Coordinator","definition":null,"interview_completed":true,"disabled":false},
          {"ieee_address":"0x00178801023AB5C1","type":"Router","friendly_name":"therapy/lamp","supported":true,"interview_completed":true,"disabled":false,"software_build_id":"1.104.2",
           "definition":{"model":"8718696548738","vendor":"Philips","description":"Hue White Ambiance E26/E27","exposes":[
             {"type":"light","features":[
               {"type":"binary","name":"state","property":"state","access":7,"value_on":"ON","value_off":"OFF","value_toggle":"TOGGLE"},
               {"type":"numeric","name":"brightness","property":"brightness","access":7,"value_min":0,"value_max":254},
               {"type":"numeric","name":"color_temp","property":"color_temp","access":7,"unit":"mired","value_min":153,"value_max":454}]}]}}
        ]
        """;

    [Fact]
    public async Task Staff_register_a_bridge_its_bulb_appears_is_read_back_assigned_and_driven_by_the_room()
    {
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1);

        var registered = await host.Http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = "zigbee2mqtt", name = "Ground floor" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var login = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var bridgeId = login.GetProperty("bridgeId").GetString()!;
        var username = login.GetProperty("username").GetString()!;
        var password = login.GetProperty("password").GetString()!;

        var received = new ConcurrentQueue<(string Topic, string Payload)>();
        using var bridge = new MqttClientFactory().CreateMqttClient();
        bridge.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        var connected = await bridge.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", host.MqttPort)
            .WithClientId("zigbee2mqtt-ground-floor")
            .WithCredentials(username, password)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithWillTopic("zigbee2mqtt/bridge/state").WithWillPayload("{\"state\":\"offline\"}").WithWillRetain()
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        await bridge.SubscribeAsync("zigbee2mqtt/#");
        await Publish(bridge, "zigbee2mqtt/bridge/state", "{\"state\":\"online\"}");
        await Publish(bridge, "zigbee2mqtt/bridge/info", "{\"version\":\"2.1.3\",\"commit\":\"abc\",\"config\":{}}");
        await Publish(bridge, "zigbee2mqtt/bridge/devices", DeviceList);

        // The bulb is among the devices, as Zigbee2MQTT names and describes it.
        var bulb = await Eventually.ValueAsync(async () =>
            (await host.Http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.FirstOrDefault(d => d.GetProperty("deviceId").GetString() == BulbId),
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("name").GetString() == BulbName,
            TimeSpan.FromSeconds(15),
            "the bridge's bulb listed");
        Assert.Equal("zigbee2mqtt", bulb.GetProperty("convention").GetString());
        Assert.Equal(("light", "8718696548738", "Philips"), (bulb.GetProperty("kind").GetString(), bulb.GetProperty("model").GetString(), bulb.GetProperty("vendor").GetString()));
        Assert.Equal((2203, 6536), (bulb.GetProperty("minColorTempK").GetInt32(), bulb.GetProperty("maxColorTempK").GetInt32()));

        // Online: the controller reads the bulb back (its state is not retained) before it sends it anything.
        await Publish(bridge, $"zigbee2mqtt/{BulbName}/availability", "{\"state\":\"online\"}");
        await Eventually.TrueAsync(() => received.Any(m => m.Topic == $"zigbee2mqtt/{BulbName}/get"), TimeSpan.FromSeconds(10), "the bulb read back");
        await Publish(bridge, $"zigbee2mqtt/{BulbName}", "{\"state\":\"ON\",\"brightness\":254,\"color_temp\":153}", retain: false);

        (await host.Http.PutAsJsonAsync($"/api/devices/{BulbId}/room", new { roomId = "room-1" })).EnsureSuccessStatusCode();
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 40, colorTempK = 2700 })).EnsureSuccessStatusCode();

        var set = await Eventually.ValueAsync(
            () => Task.FromResult(received.LastOrDefault(m => m.Topic == $"zigbee2mqtt/{BulbName}/set")),
            m => m.Payload is not null && m.Payload.Contains("\"brightness\":102", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15),
            "the room's change sent to the bulb");
        using (var payload = JsonDocument.Parse(set.Payload))
        {
            Assert.Equal("ON", payload.RootElement.GetProperty("state").GetString());
            Assert.Equal(370, payload.RootElement.GetProperty("color_temp").GetInt32());
            Assert.True(payload.RootElement.GetProperty("transition").GetDouble() >= 0);
        }

        var topics = received.Select(m => m.Topic).ToList();
        Assert.True(topics.IndexOf($"zigbee2mqtt/{BulbName}/get") < topics.IndexOf($"zigbee2mqtt/{BulbName}/set"), "read back before the first command");

        // The bridge may not command its own bulbs, nor reach outside its base topic.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await bridge.PublishAsync(Message($"zigbee2mqtt/{BulbName}/set", "{\"state\":\"OFF\"}", false))).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await bridge.PublishAsync(Message("settingcontrol/devices/room-1-light-1/state", "{\"on\":false}", false))).ReasonCode);

        // Staff see the bridge as it is now.
        var listed = Assert.Single((await host.Http.GetFromJsonAsync<JsonElement[]>("/api/bridges"))!);
        Assert.Equal((bridgeId, "online", "2.1.3", 1), (listed.GetProperty("bridgeId").GetString(), listed.GetProperty("availability").GetString(), listed.GetProperty("version").GetString(), listed.GetProperty("deviceCount").GetInt32()));

        // A second bridge on the same topics is refused; removing the bridge revokes its login.
        Assert.Equal(HttpStatusCode.Conflict, (await host.Http.PostAsJsonAsync("/api/bridges", new { kind = "zigbee2mqtt", baseTopic = "zigbee2mqtt", name = "Copy" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/bridges/{bridgeId}")).StatusCode);
        await Eventually.TrueAsync(() => !bridge.IsConnected, TimeSpan.FromSeconds(10), "the removed bridge disconnected");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.DeleteAsync($"/api/bridges/{bridgeId}")).StatusCode);
    }

    private static MqttApplicationMessage Message(string topic, string payload, bool retain) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task Publish(IMqttClient client, string topic, string payload, bool retain = true)
    {
        var result = await client.PublishAsync(Message(topic, payload, retain));
        Assert.True(result.IsSuccess, $"publish on {topic}: {result.ReasonCode}");
    }
}
