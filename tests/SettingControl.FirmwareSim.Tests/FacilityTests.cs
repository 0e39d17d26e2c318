using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim.Tests;

public sealed class FacilityTests
{
    [Fact]
    public void Each_room_has_two_lights_and_a_mask_with_the_given_broker_and_credentials()
    {
        var devices = SimulatedFacility.ForRooms(2, "broker.local", 1884, "clinic", id => (id, id + "-pw"));

        Assert.Equal(
            [
                ("room-1-light-1", DeviceKinds.Light), ("room-1-light-2", DeviceKinds.Light), ("room-1-mask", DeviceKinds.Mask),
                ("room-2-light-1", DeviceKinds.Light), ("room-2-light-2", DeviceKinds.Light), ("room-2-mask", DeviceKinds.Mask),
            ],
            devices.Select(d => (d.DeviceId, d.Kind)));
        Assert.All(devices, d => Assert.Equal(("broker.local", 1884, "clinic", d.DeviceId, d.DeviceId + "-pw"), (d.BrokerHost, d.BrokerPort, d.BaseTopic, d.Username, d.Password)));
        Assert.Equal(("sim-light-1", "sim-mask-1"), (devices[0].Model, devices[2].Model));
    }

    [Fact]
    public async Task Fleet_finds_devices_by_id_and_refuses_duplicates()
    {
        await using var fleet = new DeviceFleet(SimulatedFacility.ForRooms(1, "127.0.0.1", 1883));
        Assert.Equal(3, fleet.Devices.Count);
        Assert.Equal(DeviceKinds.Mask, fleet["room-1-mask"].Kind);
        Assert.Throws<KeyNotFoundException>(() => fleet["room-9-mask"]);

        var twice = SimulatedFacility.ForRooms(1, "127.0.0.1", 1883).Concat(SimulatedFacility.ForRooms(1, "127.0.0.1", 1883));
        Assert.Throws<ArgumentException>(() => new DeviceFleet(twice));
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SimulatedDevice(new SimulatedDeviceOptions { DeviceId = "Bad Id", Kind = DeviceKinds.Light }));
        Assert.Throws<ArgumentException>(() => new SimulatedDevice(new SimulatedDeviceOptions { DeviceId = "ok", Kind = "toaster" }));
        Assert.Throws<ArgumentException>(() => new SimulatedDevice(new SimulatedDeviceOptions { DeviceId = "ok", Kind = DeviceKinds.Mask, BaseTopic = "a/+" }));
    }
}
