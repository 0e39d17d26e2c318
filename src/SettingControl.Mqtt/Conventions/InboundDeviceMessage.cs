using SettingControl.Contracts;

namespace SettingControl.Mqtt.Conventions;

/// <summary>A message from a device, parsed and validated by its convention, ready to route to its grain.</summary>
public abstract record InboundDeviceMessage(string DeviceId)
{
    public sealed record Announced(string DeviceId, DeviceAnnouncement Announcement) : InboundDeviceMessage(DeviceId)
    {
        /// <summary>
        /// Adds the device's announcement to <paramref name="messages"/> the first time it says anything since the
        /// controller started (a convention without announcements of its own announces for it), and not again.
        /// </summary>
        public static void Once(ref bool announced, List<InboundDeviceMessage> messages, Func<DeviceAnnouncement> announcement)
        {
            if (!announced)
            {
                announced = true;
                var said = announcement();
                messages.Add(new Announced(said.DeviceId, said));
            }
        }
    }

    public sealed record AvailabilityChanged(string DeviceId, bool Online) : InboundDeviceMessage(DeviceId);

    public sealed record StateReported(string DeviceId, ActualStateDto State) : InboundDeviceMessage(DeviceId);
}
