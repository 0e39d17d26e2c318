using SettingControl.Contracts;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// What the room's devices say about themselves, taken in: announcements and state reports update the live table
/// (shown, never stored: devices re-publish them); a device coming online is put back to the room's light at once, and
/// during a session its going offline or coming back is written into the session record.
/// </summary>
internal sealed class DeviceReports(
    RoomDevices devices,
    DeviceOutput output,
    RoomCommitPipeline commits,
    Func<RoomState> state,
    TimeProvider time,
    Action notify)
{
    /// <summary>Counts a change a dashboard can see (so clients can order snapshots) and pushes it.</summary>
    private void ShowChange()
    {
        state().Version++;
        notify();
    }

    public void Announced(DeviceAnnouncement announcement)
    {
        if (devices.Announce(announcement))
        {
            ShowChange();
        }
    }

    public async Task AvailabilityChanged(string deviceId, bool online, DateTimeOffset at)
    {
        if (devices.ReportAvailability(deviceId, online, at) is not { } report)
        {
            return;
        }

        var (device, changed) = report;
        var room = state().Room;
        if (online)
        {
            await output.Restore(room.Lights, device, time.GetUtcNow());
        }

        state().Version++;
        if (changed && room.Session is { IsActive: true } session && devices.RecordAvailability(deviceId, online, at, session.Phase.Name) is { } entry)
        {
            await commits.RecordObservation(entry);
        }

        notify();
    }

    public void StateReported(string deviceId, DeviceStateReport report)
    {
        if (devices.ReportState(deviceId, report))
        {
            ShowChange();
        }
    }
}
