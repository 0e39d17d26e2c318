namespace SettingControl.Mqtt.Link;

/// <summary>
/// Which node of a cluster handles a device's messages. Every node hears every device (a plain subscription, so
/// retained state reaches each node on every Mosquitto version), and one node hands a device's messages to the
/// grains, so they are handled once and in the order the device sent them. For the moment nodes take to agree on a
/// change of membership, two nodes or none may; the newest messages kept by the node taking a device over cover the
/// none. A single node owns every device.
/// </summary>
public interface IDeviceOwnership
{
    bool OwnsDevice(string deviceId);

    /// <summary>Raised when devices may have changed hands (a node joined or was declared dead).</summary>
    event Action? Changed;
}

/// <summary>One node: every device is this node's.</summary>
public sealed class EveryDeviceHere : IDeviceOwnership
{
    public bool OwnsDevice(string deviceId) => true;

    public event Action? Changed
    {
        add { }
        remove { }
    }
}
