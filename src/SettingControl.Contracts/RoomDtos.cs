namespace SettingControl.Contracts;

[GenerateSerializer, Immutable, Alias("sc.Lighting")]
public sealed record LightingDto([property: Id(0)] bool On, [property: Id(1)] int Brightness, [property: Id(2)] int ColorTempK);

[GenerateSerializer, Immutable, Alias("sc.Mask")]
public sealed record MaskDto([property: Id(0)] bool On, [property: Id(1)] int Light);

[GenerateSerializer, Immutable, Alias("sc.Desired")]
public sealed record DesiredStateDto([property: Id(0)] LightingDto Lighting, [property: Id(1)] MaskDto Mask);

/// <summary>What a device last reported. Fields its kind does not have are null.</summary>
[GenerateSerializer, Immutable, Alias("sc.Actual")]
public sealed record ActualStateDto(
    [property: Id(0)] bool On,
    [property: Id(1)] int? Brightness,
    [property: Id(2)] int? ColorTempK,
    [property: Id(3)] int? Light,
    [property: Id(4)] bool? Worn,
    [property: Id(5)] int? Battery);

/// <summary>One device of a room as a dashboard shows it. Availability is "online", "offline" or "unknown".</summary>
[GenerateSerializer, Immutable, Alias("sc.Device")]
public sealed record RoomDeviceDto(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Availability,
    [property: Id(3)] ActualStateDto? Actual,
    [property: Id(4)] DateTimeOffset? LastSeen,
    [property: Id(5)] string? Model,
    [property: Id(6)] string? Firmware);

/// <summary>Who made the last change to the desired state, and when.</summary>
[GenerateSerializer, Immutable, Alias("sc.Change")]
public sealed record ChangeDto([property: Id(0)] string By, [property: Id(1)] string What, [property: Id(2)] DateTimeOffset At);

/// <summary>Everything a dashboard needs to draw a room; pushed as <c>RoomChanged</c> on every change.</summary>
/// <remarks>
/// <c>RecordSequence</c> is the number of the room's last session-record entry: it moves exactly when the record gains
/// one, so a dashboard asks for the record's new entries only then (a device report moves <c>Version</c>, not this).
/// </remarks>
[GenerateSerializer, Immutable, Alias("sc.RoomSnapshot")]
public sealed record RoomSnapshot(
    [property: Id(0)] string RoomId,
    [property: Id(1)] string Name,
    [property: Id(2)] long Version,
    [property: Id(3)] DesiredStateDto Desired,
    [property: Id(4)] int LastTransitionMs,
    [property: Id(5)] IReadOnlyList<RoomDeviceDto> Devices,
    [property: Id(6)] ChangeDto? LastChange,
    [property: Id(7)] SessionDto? Session = null,
    [property: Id(8)] LightsUpDto? LightsUp = null,
    [property: Id(20)] MusicDto? Music = null,
    [property: Id(30)] RoomSettingsDto? Settings = null,
    [property: Id(40)] StorageStatusDto? Storage = null,
    [property: Id(50)] long RecordSequence = 0);

/// <summary>
/// Whether the room's state is safely stored. <c>saved</c> is false while a change the room has made (Lights up,
/// which reaches the devices before storage) could not be written; <c>problem</c> is a plain reason for the screen
/// ("the disk is full"). A dashboard shows it at once: the room is running ahead of its storage.
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.StorageStatus")]
public sealed record StorageStatusDto([property: Id(0)] bool Saved, [property: Id(1)] string? Problem);

/// <summary>
/// Per-room settings staff choose: the brightness ceiling, the playlist "play" starts when none is chosen, and the
/// eye-mask light's ceiling.
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.RoomSettings")]
public sealed record RoomSettingsDto([property: Id(0)] int MaxBrightness, [property: Id(1)] string? DefaultPlaylistId, [property: Id(2)] int MaxMaskLight = 100);

/// <summary>A change to a room's settings; omitted fields keep their value. <c>defaultPlaylistId: ""</c> clears it.</summary>
[GenerateSerializer, Immutable, Alias("sc.UpdateRoomSettings")]
public sealed record UpdateRoomSettingsRequest(
    [property: Id(0)] string? Name = null,
    [property: Id(1)] int? MaxBrightness = null,
    [property: Id(2)] string? DefaultPlaylistId = null,
    [property: Id(3)] int? MaxMaskLight = null);

/// <summary>A music change; omitted (null) fields keep their current value.</summary>
[GenerateSerializer, Immutable, Alias("sc.SetMusic")]
public sealed record SetMusicRequest(
    [property: Id(0)] string? PlaylistId = null,
    [property: Id(1)] bool? Playing = null,
    [property: Id(2)] int? Volume = null);

/// <summary>The room's music: what is wanted (desired) and what the player is doing (nowPlaying).</summary>
[GenerateSerializer, Immutable, Alias("sc.Music")]
public sealed record MusicDto(
    [property: Id(0)] string? PlaylistId,
    [property: Id(1)] bool Playing,
    [property: Id(2)] int Volume,
    [property: Id(3)] bool Ducked,
    [property: Id(4)] NowPlayingDto? NowPlaying);

/// <summary>Current track and position as the audio engine reports it; outputState is "ok" or "unavailable: …".</summary>
[GenerateSerializer, Immutable, Alias("sc.NowPlaying")]
public sealed record NowPlayingDto(
    [property: Id(0)] string? PlaylistId,
    [property: Id(1)] int TrackIndex,
    [property: Id(2)] string? TrackTitle,
    [property: Id(3)] double PositionSeconds,
    [property: Id(4)] double DurationSeconds,
    [property: Id(5)] int Volume,
    [property: Id(6)] bool Playing,
    [property: Id(7)] bool Ducked,
    [property: Id(8)] string Output,
    [property: Id(9)] string OutputState,
    [property: Id(10)] IReadOnlyList<SpeakerDto>? Speakers = null);

/// <summary>A network speaker of the room (Snapcast): the name the room knows it by and whether it is connected; listed only for such outputs.</summary>
[GenerateSerializer, Immutable, Alias("sc.Speaker")]
public sealed record SpeakerDto(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Connected);

/// <summary>A lighting change; omitted (null) fields keep their current value.</summary>
[GenerateSerializer, Immutable, Alias("sc.SetLighting")]
public sealed record SetLightingRequest(
    [property: Id(0)] bool? On = null,
    [property: Id(1)] int? Brightness = null,
    [property: Id(2)] int? ColorTempK = null,
    [property: Id(3)] int? TransitionMs = null);

/// <summary>An eye-mask change; omitted (null) fields keep their current value. No <c>transitionMs</c>: the mask's default fade.</summary>
[GenerateSerializer, Immutable, Alias("sc.SetMask")]
public sealed record SetMaskRequest([property: Id(0)] bool? On = null, [property: Id(1)] int? Light = null, [property: Id(2)] int? TransitionMs = null);

[GenerateSerializer, Immutable, Alias("sc.FieldError")]
public sealed record FieldError([property: Id(0)] string Field, [property: Id(1)] string Message);

public enum CommandOutcome
{
    Accepted,
    Invalid,
    RoomNotFound,

    /// <summary>Storage refused the write: nothing changed (HTTP 503 with a plain reason).</summary>
    StorageUnavailable,
}

/// <summary>The answer to a room command: accepted with the new snapshot, or refused with reasons and no change.</summary>
[GenerateSerializer, Immutable, Alias("sc.CommandResult")]
public sealed record CommandResult(
    [property: Id(0)] CommandOutcome Outcome,
    [property: Id(1)] RoomSnapshot? Snapshot,
    [property: Id(2)] IReadOnlyList<FieldError> Errors)
{
    public static CommandResult NotFound(string roomId) =>
        new(CommandOutcome.RoomNotFound, null, [new FieldError("roomId", $"Room '{roomId}' does not exist.")]);
}

/// <summary>Who is asking for a change: recorded with every change.</summary>
[GenerateSerializer, Immutable, Alias("sc.Actor")]
public sealed record Actor([property: Id(0)] string Kind, [property: Id(1)] string Name)
{
    public static Actor System { get; } = new("system", "controller");

    public override string ToString() => $"{Kind}:{Name}";
}

/// <summary>A playlist as staff and therapists see it: its tracks, their lengths, and any that cannot play.</summary>
[GenerateSerializer, Immutable, Alias("sc.Playlist")]
public sealed record PlaylistDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string? Description,
    [property: Id(3)] IReadOnlyList<string> SuitsPhases,
    [property: Id(4)] IReadOnlyList<PlaylistTrackDto> Tracks,
    [property: Id(5)] double TotalSeconds);

/// <summary>One track; <c>error</c> says why it will be skipped (missing file, unreadable) when it cannot play.</summary>
[GenerateSerializer, Immutable, Alias("sc.PlaylistTrack")]
public sealed record PlaylistTrackDto(
    [property: Id(0)] string Title,
    [property: Id(1)] double DurationSeconds,
    [property: Id(2)] double GainDb,
    [property: Id(3)] string Source,
    [property: Id(4)] string? Error);
