using MQTTnet.Server;
using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Wire;
using Xunit.Abstractions;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>Crashes, reboots, broker restarts and the fault switches.</summary>
public sealed class FaultTests(ITestOutputHelper output) : BrokerTestBase(output)
{
    private const string Id = "room-1-light-1";

    [Fact]
    public async Task Crash_makes_the_broker_publish_the_retained_offline_last_will()
    {
        var device = await StartDeviceAsync(Id);
        var probe = await ConnectProbeAsync();
        await probe.WaitForAvailabilityAsync(Id, Availability.Online);
        var since = probe.Count;

        await device.CrashAsync();

        var offline = await probe.WaitForAvailabilityAsync(Id, Availability.Offline, since);
        Assert.True(offline.Retain);
        Assert.False(device.IsConnected);
        await EventuallyAsync(() => Broker.Disconnects.Any(d => d.ClientId == Id), "the broker saw the drop");
        Assert.Contains((Id, MqttClientDisconnectType.NotClean), Broker.Disconnects);

        var late = await ConnectProbeAsync();
        var retained = await late.WaitForAsync(m => m.Topic == Topics.Availability(Id), "retained availability");
        Assert.Equal((Availability.Offline, true), (retained.Text, retained.Retain));
    }

    [Fact]
    public async Task Crashed_device_comes_back_with_its_state_on_start()
    {
        var device = await StartDeviceAsync(Id);
        var probe = await ConnectProbeAsync();
        await probe.SendSetAsync(Id, new SetPayload("dim", 0, Brightness: 25));
        await probe.WaitForStateAsync(Id, s => s.Brightness == 25, "dimmed");

        await device.CrashAsync();
        await probe.WaitForAvailabilityAsync(Id, Availability.Offline);
        var since = probe.Count;
        using var timeout = new CancellationTokenSource(Patience);
        await device.StartAsync(timeout.Token);

        await probe.WaitForAvailabilityAsync(Id, Availability.Online, since);
        await probe.WaitForStateAsync(Id, s => s.Brightness == 25, "state kept across the crash", since);
    }

    [Fact]
    public async Task Reboot_brings_back_factory_state_and_online()
    {
        var device = await StartDeviceAsync(Id);
        var probe = await ConnectProbeAsync();
        await probe.SendSetAsync(Id, new SetPayload("warm", 0, Brightness: 30, ColorTempK: 3000));
        await probe.WaitForStateAsync(Id, s => s.Brightness == 30 && s.ColorTempK == 3000, "warm and dim");
        var since = probe.Count;

        await device.RebootAsync();

        var offline = await probe.WaitForAvailabilityAsync(Id, Availability.Offline, since);
        var online = await probe.WaitForAvailabilityAsync(Id, Availability.Online, offline.Index);
        await probe.WaitForAsync(m => m.Topic == Topics.Announce(Id), "announce after reboot", offline.Index);
        await probe.WaitForStateAsync(Id, s => s.On && s.Brightness == 100 && s.ColorTempK == 4000, "factory state", online.Index);
        Assert.True(device.IsConnected);
        Assert.Equal(new DeviceSnapshot(true, 100, 4000, null, null, null), device.Current);
        Assert.Empty(device.AppliedCommandIds);
    }

    [Fact]
    public async Task After_a_broker_restart_the_device_reconnects_and_republishes_everything()
    {
        var device = await StartDeviceAsync(Id);
        var port = Broker.Port;

        await Broker.DisposeAsync();
        await EventuallyAsync(() => !device.IsConnected, "the device noticed the broker is gone");

        // A fresh in-memory broker on the same port: nothing retained survives, so the device must re-publish.
        await using var restarted = await TestBroker.StartAsync(port);
        var probe = await ConnectProbeAsync(port);

        await probe.WaitForAsync(m => m.Topic == Topics.Announce(Id) && m.Retain, "announce re-published");
        await probe.WaitForAvailabilityAsync(Id, Availability.Online);
        await probe.WaitForStateAsync(Id, s => s.Brightness == 100, "state re-published");
        await EventuallyAsync(() => device.IsConnected, "the device is connected again");

        // And it is subscribed again.
        await probe.SendSetAsync(Id, new SetPayload("after-restart", 0, Brightness: 5));
        await probe.WaitForStateAsync(Id, s => s.Brightness == 5, "command after restart");
    }

    [Fact]
    public async Task Garbage_ends_with_valid_retained_announce_availability_and_state()
    {
        var device = await StartDeviceAsync(Id);
        var probe = await ConnectProbeAsync();
        await probe.WaitForStateAsync(Id, _ => true, "initial state");
        var since = probe.Count;

        await device.SendGarbageAsync(40, seed: 7);

        // All 40 garbage payloads plus the three restoring ones arrive, in order.
        await probe.WaitForAsync(m => m.Index >= since + 42, "garbage and restore", since);
        var burst = probe.Messages.Where(m => m.Index >= since).ToArray();
        var invalid = burst.Count(m => Topics.TryParse(m.Topic, out _, out var kind) && !GarbagePayloads.IsValid(kind, m.Payload, Id));
        Assert.Equal(40, invalid);

        var late = await ConnectProbeAsync();
        var announce = await late.WaitForAsync(m => m.Topic == Topics.Announce(Id), "retained announce");
        var availability = await late.WaitForAsync(m => m.Topic == Topics.Availability(Id), "retained availability");
        var state = await late.WaitForAsync(m => m.Topic == Topics.State(Id), "retained state");
        Assert.True(PayloadParser.ParseAnnounce(announce.Payload, Id).Ok, $"announce: {announce}");
        Assert.Equal(Availability.Online, availability.Text);
        Assert.Equal(new StatePayload(true, 100, 4000), PayloadParser.ParseState(state.Payload).Value);

        // Still a working device.
        await late.SendSetAsync(Id, new SetPayload("after-garbage", 0, Brightness: 42));
        Assert.True(await device.WaitUntilAsync(s => s.Brightness == 42, Patience));
    }

    [Fact]
    public async Task GoOfflineAfter_crashes_the_device_and_the_broker_sends_the_will()
    {
        var device = NewDevice(Id);
        device.GoOfflineAfter = TimeSpan.FromMilliseconds(500);
        var probe = await ConnectProbeAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await device.StartAsync(timeout.Token);

        var online = await probe.WaitForAvailabilityAsync(Id, Availability.Online);
        await probe.WaitForAvailabilityAsync(Id, Availability.Offline, online.Index);
        await EventuallyAsync(() => !device.IsConnected, "the device is down");
        Assert.Contains((Id, MqttClientDisconnectType.NotClean), Broker.Disconnects);
    }

    [Fact]
    public async Task DropCommands_ignores_sets_until_switched_off()
    {
        var device = await StartDeviceAsync(Id);
        var probe = await ConnectProbeAsync();

        device.DropCommands = true;
        await probe.SendSetAsync(Id, new SetPayload("dropped", 0, Brightness: 1));

        // The device acknowledges the delivery once its handler has run; only then is it safe to flip the switch.
        await EventuallyAsync(() => Broker.Acknowledged.Contains((Id, Topics.Set(Id))), "the device handled the first set");
        device.DropCommands = false;
        await probe.SendSetAsync(Id, new SetPayload("kept", 0, Brightness: 2));
        await probe.WaitForStateAsync(Id, s => s.Brightness == 2, "the second command");

        Assert.Equal(["kept"], device.AppliedCommandIds);
        Assert.Equal(0, device.MalformedCommandCount);
    }

    [Fact]
    public async Task CommandDelay_applies_sets_late_but_still_once()
    {
        var device = await StartDeviceAsync(Id);
        var probe = await ConnectProbeAsync();
        device.CommandDelay = TimeSpan.FromMilliseconds(400);

        var sent = DateTime.UtcNow;
        await probe.SendSetAsync(Id, new SetPayload("late", 0, Brightness: 33));
        await probe.SendSetAsync(Id, new SetPayload("late", 0, Brightness: 33));
        Assert.True(await device.WaitUntilAsync(s => s.Brightness == 33, Patience));

        // Only a lower bound: a slow machine may apply it later, never sooner.
        Assert.True(DateTime.UtcNow - sent >= TimeSpan.FromMilliseconds(350));
        await EventuallyAsync(() => device.DuplicateCommandCount == 1, "the redelivery is recognised");
        Assert.Equal(1, device.AppliedCommandCount);
    }
}
