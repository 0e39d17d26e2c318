using System.Text;
using SettingControl.DeviceProtocol;
using Xunit.Abstractions;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>Device protocol v1 as a controller sees it through a real broker.</summary>
public sealed class DeviceProtocolTests(ITestOutputHelper output) : BrokerTestBase(output)
{
    [Fact]
    public async Task A_late_subscriber_receives_retained_announce_online_and_state()
    {
        await StartDeviceAsync("room-1-light-1");
        await StartDeviceAsync("room-1-mask", DeviceKinds.Mask);

        var probe = await ConnectProbeAsync();

        var announce = await probe.WaitForAsync(m => m.Topic == Topics.Announce("room-1-light-1"), "light announce");
        Assert.True(announce.Retain);
        var light = PayloadParser.ParseAnnounce(announce.Payload, "room-1-light-1").Value;
        Assert.NotNull(light);
        Assert.Equal((DeviceKinds.Light, "sim-light-1", "1.0.0"), (light.Kind, light.Model, light.Firmware));
        Assert.Equal(new CapabilitiesPayload(2000, 6500, 600000), light.Capabilities);

        var maskAnnounce = await probe.WaitForAsync(m => m.Topic == Topics.Announce("room-1-mask"), "mask announce");
        var mask = PayloadParser.ParseAnnounce(maskAnnounce.Payload, "room-1-mask").Value;
        Assert.Equal((DeviceKinds.Mask, "sim-mask-1"), (mask?.Kind, mask?.Model));

        var online = await probe.WaitForAvailabilityAsync("room-1-light-1", Availability.Online);
        Assert.True(online.Retain);

        var lightState = await probe.WaitForAsync(m => m.Topic == Topics.State("room-1-light-1"), "light state");
        Assert.True(lightState.Retain);
        Assert.Equal(new StatePayload(true, 100, 4000), PayloadParser.ParseState(lightState.Payload).Value);

        var maskState = await probe.WaitForAsync(m => m.Topic == Topics.State("room-1-mask"), "mask state");
        Assert.Equal(new StatePayload(true, Light: 100, Worn: true, Battery: 100), PayloadParser.ParseState(maskState.Payload).Value);
    }

    [Fact]
    public async Task A_fade_reports_intermediate_states_monotonically_and_ends_exactly_at_the_target()
    {
        const string id = "room-1-light-1";
        var device = await StartDeviceAsync(id);
        var probe = await ConnectProbeAsync();
        await probe.WaitForStateAsync(id, s => s.Brightness == 100, "initial state");
        var since = probe.Count;

        await probe.SendSetAsync(id, new SetPayload("fade-1", 1000, Brightness: 10, ColorTempK: 2700));
        var final = await probe.WaitForStateAsync(id, s => s.Brightness == 10 && s.ColorTempK == 2700, "end of fade", since);

        var states = probe.StatesOf(id, since, final.Index);
        var intermediate = states.Count(s => s.Brightness is > 10 and < 100);
        Assert.True(intermediate >= 3, $"expected several intermediate reports, got {intermediate}: {string.Join(", ", states.Select(s => s.Brightness))}");
        for (var i = 1; i < states.Count; i++)
        {
            Assert.True(states[i].Brightness <= states[i - 1].Brightness, $"brightness went back up at report {i}");
            Assert.True(states[i].ColorTempK <= states[i - 1].ColorTempK, $"colour temperature went back up at report {i}");
        }

        Assert.True(final.Retain);
        Assert.Equal(new DeviceSnapshot(true, 10, 2700, null, null, null), device.Current);
        Assert.Equal(1, device.AppliedCommandCount);
    }

    [Fact]
    public async Task An_interrupted_fade_turns_around_from_the_current_level()
    {
        const string id = "room-1-light-1";
        var device = await StartDeviceAsync(id);
        var probe = await ConnectProbeAsync();

        await probe.SendSetAsync(id, new SetPayload("down", 2000, Brightness: 0));
        Assert.True(await device.WaitUntilAsync(s => s.Brightness <= 70, Patience));
        var since = probe.Count;

        await probe.SendSetAsync(id, new SetPayload("up", 1000, Brightness: 100));
        var final = await probe.WaitForStateAsync(id, s => s.Brightness == 100, "back at 100", since);

        var values = probe.StatesOf(id, since, final.Index).Select(s => s.Brightness!.Value).ToArray();

        // Neither carried on to the old target nor jumped to the new one: it turned around part-way.
        Assert.True(values.Min() > 0, $"fell to the old target: {string.Join(", ", values)}");
        Assert.True(values.Count(v => v > values.Min() && v < 100) >= 2, $"jumped to the new target: {string.Join(", ", values)}");
    }

    [Fact]
    public async Task The_same_command_id_twice_is_applied_once()
    {
        const string id = "room-1-light-1";
        var device = await StartDeviceAsync(id);
        var probe = await ConnectProbeAsync();

        await probe.SendSetAsync(id, new SetPayload("cmd-1", 0, Brightness: 40));
        await probe.WaitForStateAsync(id, s => s.Brightness == 40, "first command");

        // A redelivery carries the same id; a different body proves it is not applied again.
        await probe.SendSetAsync(id, new SetPayload("cmd-1", 0, Brightness: 10));
        await probe.SendSetAsync(id, new SetPayload("cmd-2", 0, Brightness: 60));
        await probe.WaitForStateAsync(id, s => s.Brightness == 60, "second command");

        Assert.DoesNotContain(probe.Messages, m => m.Topic == Topics.State(id) && PayloadParser.ParseState(m.Payload).Value?.Brightness == 10);
        Assert.Equal((2, 1), (device.AppliedCommandCount, device.DuplicateCommandCount));
        Assert.Equal(["cmd-1", "cmd-2"], device.AppliedCommandIds);
    }

    [Fact]
    public async Task Malformed_set_payloads_are_counted_and_ignored()
    {
        const string id = "room-1-light-1";
        var device = await StartDeviceAsync(id);
        var probe = await ConnectProbeAsync();
        byte[][] malformed =
        [
            [],
            "not json"u8.ToArray(),
            [0xFF, 0xFE, 0x00],
            """{"transitionMs":0,"brightness":10}"""u8.ToArray(),
            """{"commandId":"a","transitionMs":0,"brightness":300}"""u8.ToArray(),
            """{"commandId":"b","transitionMs":"soon","brightness":10}"""u8.ToArray(),
            """{"commandId":"c","transitionMs":-1}"""u8.ToArray(),
            """{"commandId":"d","transitionMs":0,"brightness":10"""u8.ToArray(),
            "null"u8.ToArray(),
            Encoding.UTF8.GetBytes($$"""{"commandId":"e","transitionMs":0,"pad":"{{new string('x', 10_000)}}"}"""),
        ];

        foreach (var payload in malformed)
        {
            await probe.SendRawSetAsync(id, payload);
        }

        await probe.SendSetAsync(id, new SetPayload("valid", 0, Brightness: 55));
        await probe.WaitForStateAsync(id, s => s.Brightness == 55, "the valid command");

        Assert.Equal(malformed.Length, device.MalformedCommandCount);
        Assert.Equal(1, device.AppliedCommandCount);
        Assert.Equal(["valid"], device.AppliedCommandIds);
        Assert.True(device.IsConnected);
        Assert.All(probe.StatesOf(id, 0, int.MaxValue), s => Assert.Contains(s.Brightness, new int?[] { 100, 55 }));
    }

    [Fact]
    public async Task A_mask_fades_its_light_and_turns_off_at_the_end()
    {
        const string id = "room-1-mask";
        var device = await StartDeviceAsync(id, DeviceKinds.Mask);
        var probe = await ConnectProbeAsync();

        await probe.SendSetAsync(id, new SetPayload("mask-1", 500, On: false, Light: 30));
        await probe.WaitForStateAsync(id, s => !s.On && s.Light == 30, "mask off at light 30");

        Assert.Equal(new DeviceSnapshot(false, null, null, 30, true, 100), device.Current);
    }

    [Fact]
    public async Task Stop_publishes_retained_offline_and_disconnects_cleanly()
    {
        const string id = "room-1-light-1";
        var device = await StartDeviceAsync(id);
        var probe = await ConnectProbeAsync();
        await probe.WaitForAvailabilityAsync(id, Availability.Online);
        var since = probe.Count;

        await device.StopAsync();

        var offline = await probe.WaitForAvailabilityAsync(id, Availability.Offline, since);
        Assert.True(offline.Retain);
        Assert.False(device.IsConnected);
        await EventuallyAsync(() => Broker.Disconnects.Any(d => d.ClientId == id), "the broker saw the disconnect");
        Assert.Contains((id, MQTTnet.Server.MqttClientDisconnectType.Clean), Broker.Disconnects);
    }
}
