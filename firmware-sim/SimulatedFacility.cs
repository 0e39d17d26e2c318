using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim;

/// <summary>The standard simulated treatment rooms: two lights and one eye mask per room.</summary>
public static class SimulatedFacility
{
    /// <summary>
    /// For room i in 1..<paramref name="rooms"/>: <c>room-{i}-light-1</c>, <c>room-{i}-light-2</c> (lights) and
    /// <c>room-{i}-mask</c> (mask). <paramref name="credentials"/> maps a device id to its broker login, if any.
    /// </summary>
    public static IReadOnlyList<SimulatedDeviceOptions> ForRooms(
        int rooms,
        string host,
        int port,
        string baseTopic = DeviceTopics.DefaultBaseTopic,
        Func<string, (string? user, string? password)>? credentials = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rooms);
        var devices = new List<SimulatedDeviceOptions>(rooms * 3);
        for (var room = 1; room <= rooms; room++)
        {
            devices.Add(Device($"room-{room}-light-1", DeviceKinds.Light, host, port, baseTopic, credentials));
            devices.Add(Device($"room-{room}-light-2", DeviceKinds.Light, host, port, baseTopic, credentials));
            devices.Add(Device($"room-{room}-mask", DeviceKinds.Mask, host, port, baseTopic, credentials));
        }

        return devices;
    }

    /// <summary>One device on the broker at <paramref name="host"/>:<paramref name="port"/>, with its login if <paramref name="credentials"/> has one.</summary>
    internal static SimulatedDeviceOptions Device(
        string id,
        string kind,
        string host,
        int port,
        string baseTopic,
        Func<string, (string? user, string? password)>? credentials)
    {
        var (user, password) = credentials?.Invoke(id) ?? (null, null);
        return new SimulatedDeviceOptions
        {
            DeviceId = id,
            Kind = kind,
            BrokerHost = host,
            BrokerPort = port,
            BaseTopic = baseTopic,
            Username = user,
            Password = password,
        };
    }
}
