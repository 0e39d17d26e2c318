using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.FirmwareSim.Wire.Tasmota;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;
using Xunit.Abstractions;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>The Zigbee2MQTT bridge, the Tasmota light and the Home Assistant JSON light against a real broker, seen by a plain MQTT client.</summary>
public sealed class ConventionTests(ITestOutputHelper output) : BrokerTestBase(output)
{
    [Fact]
    public async Task Bridge_publishes_real_exposes_and_echoes_then_reports_a_fade()
    {
        await using var bridge = new Zigbee2MqttBridge(new Zigbee2MqttBridgeOptions
        {
            Broker = new MqttEndpoint { BrokerPort = Broker.Port },
            Bulbs = Zigbee2MqttBridgeOptions.DefaultBulbs(2),
            ReportIntervalMs = 200,
        });
        await using var client = await RawClient.ConnectAsync(Broker.Port, "zigbee2mqtt/#");
        using var timeout = new CancellationTokenSource(Patience);
        await bridge.StartAsync(timeout.Token);

        var state = await client.WaitForAsync(m => m.Topic == "zigbee2mqtt/bridge/state");
        Assert.Equal("""{"state":"online"}""", state.Text);
        var devices = JsonNode.Parse((await client.WaitForAsync(m => m.Topic == "zigbee2mqtt/bridge/devices")).Text)!.AsArray();
        Assert.Equal("Coordinator", (string?)devices[0]!["type"]);
        var ikea = devices.Single(d => (string?)d!["friendly_name"] == "room-2/ceiling")!;
        Assert.Equal("LED1545G12", (string?)ikea["definition"]!["model"]);
        Assert.Contains("250", ikea["definition"]!["exposes"]!.ToJsonString(), StringComparison.Ordinal);

        var since = client.Count;
        await client.PublishAsync("zigbee2mqtt/room-2/ceiling/set", """{"brightness":100,"color_temp":999,"transition":1}""");
        var echo = await client.WaitForAsync(m => m.Topic == "zigbee2mqtt/room-2/ceiling", since);
        Assert.Contains("\"brightness\":100", echo.Text, StringComparison.Ordinal);
        Assert.Contains("\"color_temp\":454", echo.Text, StringComparison.Ordinal);
        await EventuallyAsync(() => bridge["room-2/ceiling"].Current == new ZigbeeBulbState(true, 100, 454), "the fade ends");

        await client.PublishAsync("zigbee2mqtt/room-2/ceiling/set", "{not json");
        await EventuallyAsync(() => bridge.MalformedCommandCount == 1, "the malformed command is counted");
    }

    [Fact]
    public async Task A_group_set_reaches_every_member_and_the_group_reports_what_it_assumes()
    {
        var bulbs = Zigbee2MqttBridgeOptions.DefaultBulbs(3);
        await using var bridge = new Zigbee2MqttBridge(new Zigbee2MqttBridgeOptions
        {
            Broker = new MqttEndpoint { BrokerPort = Broker.Port },
            Bulbs = bulbs,
            Groups = [new ZigbeeGroupOptions(7, "wing", [bulbs[0].FriendlyName, bulbs[1].FriendlyName])],
            ReportIntervalMs = 200,
        });
        await using var client = await RawClient.ConnectAsync(Broker.Port, "zigbee2mqtt/#");
        using var timeout = new CancellationTokenSource(Patience);
        await bridge.StartAsync(timeout.Token);

        var groups = JsonNode.Parse((await client.WaitForAsync(m => m.Topic == "zigbee2mqtt/bridge/groups")).Text)!.AsArray();
        var wing = Assert.Single(groups)!;
        Assert.Equal(("wing", 7, 2), ((string?)wing["friendly_name"], (int?)wing["id"], wing["members"]!.AsArray().Count));

        var since = client.Count;
        var untouched = bridge[bulbs[2].FriendlyName].Current;
        await client.PublishAsync("zigbee2mqtt/wing/set", """{"state":"ON","brightness":200,"color_temp":300,"transition":0}""");
        await EventuallyAsync(() => bridge[bulbs[0].FriendlyName].Current == new ZigbeeBulbState(true, 200, 300), "the first member");
        await EventuallyAsync(() => bridge[bulbs[1].FriendlyName].Current == new ZigbeeBulbState(true, 200, 300), "the second member");
        Assert.Equal(untouched, bridge[bulbs[2].FriendlyName].Current);
        Assert.Equal("group-set", bridge[bulbs[1].FriendlyName].Received.Last().Kind);
        Assert.Contains("\"brightness\":200", (await client.WaitForAsync(m => m.Topic == "zigbee2mqtt/wing", since)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasmota_answers_backlog_and_state_and_has_an_lwt()
    {
        await using var light = new SimulatedTasmotaLight(new TasmotaLightOptions { Topic = "tasmota_ABC123", Broker = new MqttEndpoint { BrokerPort = Broker.Port } });
        await using var client = await RawClient.ConnectAsync(Broker.Port, "#");
        using var timeout = new CancellationTokenSource(Patience);
        await light.StartAsync(timeout.Token);
        Assert.Equal("Online", (await client.WaitForAsync(m => m.Topic == "tele/tasmota_ABC123/LWT")).Text);

        var since = client.Count;
        await client.PublishAsync("cmnd/tasmota_ABC123/backlog", "Fade 1; speed 4; Dimmer 40; CT 370");
        var result = await client.WaitForAsync(m => m.Topic == "stat/tasmota_ABC123/RESULT" && m.Text.Contains("\"CT\":370", StringComparison.Ordinal), since);
        var light40 = JsonNode.Parse(result.Text)!;
        Assert.Equal(("ON", 40, 370), ((string?)light40["POWER"], (int?)light40["Dimmer"], (int?)light40["CT"]));
        Assert.Equal(new TasmotaSettings(true, 40, 370, true, 4, false, 300), light.Settings);
        await EventuallyAsync(() => light.Output == new LightLevels(true, 40, 370), "the fade ends");

        await client.PublishAsync("cmnd/tasmota_ABC123/State", "");
        var full = await client.WaitForAsync(m => m.Topic == "stat/tasmota_ABC123/RESULT" && m.Text.Contains("Wifi", StringComparison.Ordinal), since);
        var state = JsonNode.Parse(full.Text)!;
        Assert.Equal(("ON", 40, 4), ((string?)state["POWER"], (int?)state["Dimmer"], (int?)state["Speed"]));

        await client.PublishAsync("cmnd/tasmota_ABC123/Dimmer", "150");
        await EventuallyAsync(() => light.MalformedCommandCount == 1, "the out-of-range Dimmer is counted");
    }

    [Fact]
    public async Task A_json_light_retains_availability_and_state_reports_its_transition_and_has_an_lwt()
    {
        await using var light = new SimulatedJsonLight(JsonLight(comesBackAtFullWhite: false));
        await using var client = await RawClient.ConnectAsync(Broker.Port, "esphome/#");
        using var timeout = new CancellationTokenSource(Patience);
        await light.StartAsync(timeout.Token);
        Assert.Equal("online", (await client.WaitForAsync(m => m.Topic == "esphome/lamp/status")).Text);
        var fresh = await client.WaitForAsync(m => m.Topic == "esphome/lamp/light/state");
        Assert.Equal("""{"color_mode":"color_temp","state":"ON","brightness":255,"color":{},"color_temp":153}""", fresh.Text);

        var since = client.Count;
        await client.PublishAsync("esphome/lamp/light/command", """{"state":"ON","brightness":102,"color_temp":370,"transition":1.5}""");
        await EventuallyAsync(() => light.Output == new LightLevels(true, 102, 370), "the transition ends");
        await client.WaitForAsync(m => m.Topic == "esphome/lamp/light/state" && m.Text.Contains("\"brightness\":102,\"color\":{},\"color_temp\":370", StringComparison.Ordinal), since);
        await using (var later = await RawClient.ConnectAsync(Broker.Port, "esphome/#"))
        {
            // Retained, as ESPHome's: whoever subscribes later hears where the light is and that it is online.
            Assert.True((await later.WaitForAsync(m => m.Topic == "esphome/lamp/light/state")).Retain);
            Assert.True((await later.WaitForAsync(m => m.Topic == "esphome/lamp/status" && m.Text == "online")).Retain);
        }

        var reports = client.Since(since).Where(m => m.Topic == "esphome/lamp/light/state").ToArray();
        Assert.True(reports.Length >= 2, $"a report on the way and one at the end: {string.Join(" ", reports.Select(r => r.Text))}");

        await client.PublishAsync("esphome/lamp/light/command", """{"state":"OFF","transition":0}""");
        await client.WaitForAsync(m => m.Topic == "esphome/lamp/light/state" && m.Text.Contains("\"state\":\"OFF\"", StringComparison.Ordinal), since);

        await client.PublishAsync("esphome/lamp/light/command", """{"state":"ON","brightness":256}""");
        await client.PublishAsync("esphome/lamp/light/command", "{not json");
        await EventuallyAsync(() => light.MalformedCommandCount == 2, "the out-of-range brightness and the malformed command are counted");
        Assert.False(light.Output.On);
        Assert.Equal(4, light.ReceivedCommands.Count);

        since = client.Count;
        await light.CrashAsync();
        Assert.Equal("offline", (await client.WaitForAsync(m => m.Topic == "esphome/lamp/status", since)).Text);
    }

    [Theory]
    [InlineData(false, false, 0)]
    [InlineData(true, true, 255)]
    public async Task A_json_light_comes_back_from_a_power_cut_as_it_was_or_at_full_white(bool comesBackAtFullWhite, bool on, int brightness)
    {
        await using var light = new SimulatedJsonLight(JsonLight(comesBackAtFullWhite));
        await using var client = await RawClient.ConnectAsync(Broker.Port, "esphome/#");
        using var timeout = new CancellationTokenSource(Patience);
        await light.StartAsync(timeout.Token);
        await client.PublishAsync("esphome/lamp/light/command", """{"state":"OFF","transition":0}""");
        await EventuallyAsync(() => !light.Output.On, "the light is off");

        var since = client.Count;
        await light.RebootAsync();

        await client.WaitForAsync(m => m.Topic == "esphome/lamp/status" && m.Text == "online", since);
        Assert.Equal(on, light.Output.On);
        Assert.Equal(brightness, light.Output.On ? light.Output.Level : 0);
    }

    private JsonLightOptions JsonLight(bool comesBackAtFullWhite) => JsonLightOptions.Esphome("lamp") with
    {
        ReportIntervalMs = 200,
        ComesBackAtFullWhite = comesBackAtFullWhite,
        Broker = new MqttEndpoint { BrokerPort = Broker.Port },
    };

    /// <summary>A plain MQTT client recording what it hears.</summary>
    private sealed class RawClient : IAsyncDisposable
    {
        private readonly IMqttClient _client;
        private readonly ConcurrentQueue<Received> _messages = new();
        private int _count;

        private RawClient(IMqttClient client)
        {
            _client = client;
            client.ApplicationMessageReceivedAsync += e =>
            {
                _messages.Enqueue(new Received(Interlocked.Increment(ref _count) - 1, e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
                return Task.CompletedTask;
            };
        }

        public int Count => Volatile.Read(ref _count);

        public static async Task<RawClient> ConnectAsync(int port, string filter)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var raw = new RawClient(client);
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build());
            await client.SubscribeAsync(filter);
            return raw;
        }

        /// <summary>What it heard from message <paramref name="since"/> on, in order.</summary>
        public IReadOnlyList<Received> Since(int since) => [.. _messages.Where(m => m.Index >= since).OrderBy(m => m.Index)];

        public Task PublishAsync(string topic, string payload) =>
            _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).Build());

        public async Task<Received> WaitForAsync(Func<Received, bool> predicate, int since = 0)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                var match = _messages.OrderBy(m => m.Index).FirstOrDefault(m => m.Index >= since && predicate(m));
                if (match is not null)
                {
                    return match;
                }

                Assert.True(DateTime.UtcNow < deadline, "Timed out; last: " + string.Join(" | ", _messages.OrderBy(m => m.Index).TakeLast(10)));
                await Task.Delay(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisconnectAsync();
            _client.Dispose();
        }
    }
}
