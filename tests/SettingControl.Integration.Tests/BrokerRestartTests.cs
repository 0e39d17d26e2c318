using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.FirmwareSim;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The controller against an external broker (a real MQTTnet broker on its own socket) that goes away
/// and comes back on the same port.
/// </summary>
public sealed class BrokerRestartTests
{
    [Fact]
    public async Task The_controller_reconnects_resubscribes_delivers_what_was_accepted_meanwhile_and_restores_rebooted_devices()
    {
        var port = FreePorts.Next();
        var accounts = new BrokerAccounts(rooms: 1);
        var broker = new EmbeddedBroker(IPAddress.Loopback, port, accounts.Access, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        await using var host = await HostUnderTest.StartAsync(
            simulatedRooms: 1,
            runSimulatedDevices: false,
            mqttPort: port,
            extra: accounts.ExternalBrokerSettings());
        await using var devices = new DeviceFleet(accounts.Devices(1, port));
        await devices.StartAllAsync();
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 22 })).EnsureSuccessStatusCode();
        Assert.True(await devices["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 22, TimeSpan.FromSeconds(15)));

        await broker.StopAsync(CancellationToken.None);
        await Eventually.TrueAsync(async () => (await host.Http.GetAsync("/healthz")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(15), "health reports the broker link down");

        // Accepted while the broker is down: persisted, and delivered once the link is back.
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 35 })).EnsureSuccessStatusCode();

        broker = new EmbeddedBroker(IPAddress.Loopback, port, accounts.Access, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        try
        {
            await host.WaitHealthyAsync(TimeSpan.FromSeconds(15));
            Assert.True(await devices["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 35, TimeSpan.FromSeconds(15)),
                "the command accepted during the outage reached the light");
            Assert.True(await devices["room-1-light-2"].WaitUntilAsync(s => s.Brightness == 35, TimeSpan.FromSeconds(15)));

            // The controller resubscribed: a device that reboots into factory white is put back.
            await devices["room-1-light-2"].RebootAsync();
            Assert.True(await devices["room-1-light-2"].WaitUntilAsync(s => s.Brightness == 35 && s.ColorTempK == 2700, TimeSpan.FromSeconds(15)),
                "the rebooted light is back at the room's 35 % warm light");
            var room = await host.GetRoomAsync("room-1");
            Assert.Equal("online", room.Devices.Single(d => d.DeviceId == "room-1-light-2").Availability);

            var applied = devices["room-1-light-1"].AppliedCommandIds;
            Assert.Equal(applied.Count, applied.Distinct().Count());
        }
        finally
        {
            await host.StopAsync();
            await devices.DisposeAsync();
            await broker.StopAsync(CancellationToken.None);
        }
    }
}
