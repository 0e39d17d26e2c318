namespace SettingControl.Domain.Sessions;

/// <summary>What to put in the session record for one availability change of a device.</summary>
public enum FlapDecision
{
    /// <summary>Record the change as it is.</summary>
    Record,

    /// <summary>The device used its budget in this window: record that it is flapping, then count silently.</summary>
    StartSummarising,

    /// <summary>A new window after a flapping one: record how many changes were counted (and the state now).</summary>
    Summary,

    /// <summary>Counted, not recorded.</summary>
    Suppress,
}

/// <summary>
/// Bounds what one device's availability can add to a session record. A device dropping in and out (a bad Wi-Fi
/// link, a loose supply) can flip thousands of times a minute; each flip is a real event, but a record of thousands
/// of flips hides what the therapist did. Per device and per <see cref="Window"/>: the first <see cref="Budget"/>
/// changes are recorded, then one "flapping" entry, then the rest are counted and summed up in one entry when the
/// next window begins. At most <see cref="Budget"/> + 2 entries per device per window.
/// </summary>
public sealed class DeviceFlapGuard
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    public const int Budget = 6;

    private readonly Dictionary<string, DeviceWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>Decides for one change; <paramref name="suppressed"/> is the count a <see cref="FlapDecision.Summary"/> reports.</summary>
    public FlapDecision Observe(string deviceId, DateTimeOffset at, out int suppressed)
    {
        suppressed = 0;
        if (!_windows.TryGetValue(deviceId, out var window) || at - window.StartedAt >= Window)
        {
            suppressed = window?.Suppressed ?? 0;
            _windows[deviceId] = new DeviceWindow(at) { Recorded = 1 };
            return suppressed > 0 ? FlapDecision.Summary : FlapDecision.Record;
        }

        if (window.Recorded < Budget)
        {
            window.Recorded++;
            return FlapDecision.Record;
        }

        if (!window.Summarising)
        {
            window.Summarising = true;
            return FlapDecision.StartSummarising;
        }

        window.Suppressed++;
        return FlapDecision.Suppress;
    }

    private sealed class DeviceWindow(DateTimeOffset startedAt)
    {
        public DateTimeOffset StartedAt { get; } = startedAt;

        public int Recorded { get; set; }

        public bool Summarising { get; set; }

        public int Suppressed { get; set; }
    }
}
