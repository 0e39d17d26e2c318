using System.Net.Http.Json;
using SettingControl.Contracts;
using SettingControl.FirmwareSim;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>Stopping the controller and starting it on the same data directory loses nothing.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Rooms_assignments_and_desired_state_survive_a_restart_and_are_put_back_on_the_devices()
    {
        var dataDirectory = HostUnderTest.NewDataDirectory();
        var mqttPort = FreePorts.Next();

        await using (var first = await HostUnderTest.StartAsync(simulatedRooms: 2, runSimulatedDevices: false, dataDirectory: dataDirectory, mqttPort: mqttPort))
        {
            (await first.Http.PutAsJsonAsync("/api/rooms/room-2/lighting", new { on = true, brightness = 12, colorTempK = 1900 })).EnsureSuccessStatusCode();
            (await first.Http.PutAsJsonAsync("/api/rooms/room-2/mask", new { on = true, light = 5 })).EnsureSuccessStatusCode();
            await first.StopAsync();
        }

        // A new controller process: no --simulate this time, so nothing is re-seeded; what it knows comes from the file.
        await using var second = await HostUnderTest.StartAsync(simulatedRooms: 0, dataDirectory: dataDirectory, mqttPort: mqttPort);
        var room = await second.GetRoomAsync("room-2");
        Assert.Equal(new DesiredStateDto(new LightingDto(true, 12, 1900), new MaskDto(true, 5)), room.Desired);
        Assert.Equal(["room-2-light-1", "room-2-light-2", "room-2-mask"], room.Devices.Select(d => d.DeviceId).ToArray());
        var rooms = await second.Http.GetFromJsonAsync<RoomSnapshot[]>("/api/rooms");
        Assert.Equal(["room-1", "room-2"], rooms!.Select(r => r.RoomId).ToArray());

        // Devices that power up in factory state (100 %, 4000 K) are brought back to the room's light.
        await using var devices = new DeviceFleet(second.SimulatedDeviceOptions(2));
        await devices.StartAllAsync();
        Assert.True(await devices["room-2-light-1"].WaitUntilAsync(s => s.Brightness == 12 && s.ColorTempK == 2000, TimeSpan.FromSeconds(15)),
            "light back at 12 % and as warm as it can go (2000 K is its lowest)");
        Assert.True(await devices["room-2-mask"].WaitUntilAsync(s => s.On && s.Light == 5, TimeSpan.FromSeconds(15)));
        Assert.True(await devices["room-1-light-2"].WaitUntilAsync(s => s.Brightness == 40 && s.ColorTempK == 2700, TimeSpan.FromSeconds(15)),
            "room-1 keeps its (default) desired state");
    }
}
