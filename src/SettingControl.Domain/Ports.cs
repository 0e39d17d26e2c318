namespace SettingControl.Domain;

/// <summary>
/// The outbound port to the devices. The MQTT adapter implements it; the room grain only says what
/// a device should show. Sending is queued: it returns once the command is accepted for delivery.
/// </summary>
public interface IDeviceCommands
{
    ValueTask SendAsync(DeviceCommand command, CancellationToken cancellationToken = default);
}
