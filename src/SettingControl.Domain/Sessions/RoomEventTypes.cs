namespace SettingControl.Domain.Sessions;

/// <summary>
/// Every kind of entry a session record holds: the words stored in the journal, exported in the CSV's <c>type</c>
/// column and matched by the dashboard (its copy is <c>wwwroot/lib/event-types.js</c>). Renaming one breaks stored
/// records and integrators' exports, so these strings never change; new kinds are added.
/// </summary>
public static class RoomEventTypes
{
    public const string SettingsChanged = "settings-changed";
    public const string LightingChanged = "lighting-changed";
    public const string MaskChanged = "mask-changed";
    public const string MusicChanged = "music-changed";
    public const string MusicNext = "music-next";
    public const string MusicPrevious = "music-previous";

    public const string SessionStarted = "session-started";
    public const string DoseMarked = "dose-marked";
    public const string ClockHeld = "clock-held";
    public const string ClockResumed = "clock-resumed";
    public const string PhaseStarted = "phase-started";
    public const string PhaseExtended = "phase-extended";
    public const string PhaseJumped = "phase-jumped";
    public const string SceneApplied = "scene-applied";
    public const string OverrideReleased = "override-released";
    public const string SessionEnded = "session-ended";

    public const string LightsUp = "lights-up";
    public const string LightsUpResent = "lights-up-resent";
    public const string LightsUpResumed = "lights-up-resumed";

    public const string Note = "note";
    public const string ReminderCreated = "reminder-created";
    public const string ReminderDue = "reminder-due";
    public const string ReminderRealerted = "reminder-realerted";
    public const string ReminderAcknowledged = "reminder-acknowledged";
    public const string ReminderDone = "reminder-done";
    public const string ReminderUndone = "reminder-undone";
    public const string ReadingRecorded = "reading-recorded";

    public const string DeviceOnline = "device-online";
    public const string DeviceOffline = "device-offline";
    public const string DeviceFlapping = "device-flapping";

    /// <summary>The entries that start a light fade, with its length in <see cref="RoomEvent.TransitionMs"/>.</summary>
    public static bool StartsAFade(string type) => type is LightingChanged or SceneApplied or LightsUp or LightsUpResumed;

    /// <summary>All of them, for the docs check and the page's copy.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SettingsChanged, LightingChanged, MaskChanged, MusicChanged, MusicNext, MusicPrevious,
        SessionStarted, DoseMarked, ClockHeld, ClockResumed, PhaseStarted, PhaseExtended, PhaseJumped, SceneApplied,
        OverrideReleased, SessionEnded, LightsUp, LightsUpResent, LightsUpResumed,
        Note, ReminderCreated, ReminderDue, ReminderRealerted, ReminderAcknowledged, ReminderDone, ReminderUndone, ReadingRecorded,
        DeviceOnline, DeviceOffline, DeviceFlapping,
    ];
}
