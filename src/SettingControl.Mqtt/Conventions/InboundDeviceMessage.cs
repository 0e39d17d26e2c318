using SettingControl.Contracts;

namespace SettingControl.Mqtt.Conventions;

/// <summary>A message from a device, parsed and validated by its convention, ready to route to its grain.</summary>
public abstract record InboundDeviceMessage(string DeviceId)
{
    public sealed record Announced(string DeviceId, DeviceAnnouncement Announcement) : InboundDeviceMessage(DeviceId);

    public sealed record AvailabilityChanged(string DeviceId, bool Online) : InboundDeviceMessage(DeviceId);

    public sealed record StateReported(string DeviceId, ActualStateDto State) : InboundDeviceMessage(DeviceId);
}
