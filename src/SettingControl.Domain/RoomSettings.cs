namespace SettingControl.Domain;

/// <summary>Desired lighting for every light in a room.</summary>
public sealed record LightingSetting(bool On, int Brightness, int ColorTempK)
{
    /// <summary>Warm and dim: the brief asks for sensible warm, dim defaults, not clinical white.</summary>
    public static LightingSetting Default { get; } = new(true, 40, 2700);
}

/// <summary>Desired eye-mask state: worn or not is the patient's; whether its light is on is ours.</summary>
public sealed record MaskSetting(bool On, int Light)
{
    public static MaskSetting Default { get; } = new(false, 0);
}

/// <summary>The room's desired state: what the devices should show.</summary>
public sealed record DesiredRoomState(LightingSetting Lighting, MaskSetting Mask)
{
    public static DesiredRoomState Default { get; } = new(LightingSetting.Default, MaskSetting.Default);
}

/// <summary>
/// Desired ambient music: which playlist, whether it plays, and how loud (0–100). Silence is a choice:
/// <see cref="Playing"/> false fades the music out.
/// </summary>
public sealed record MusicSetting(string? PlaylistId, bool Playing, int Volume)
{
    public static MusicSetting Default { get; } = new(null, false, 30);
}

/// <summary>
/// A network speaker of the room (a Snapcast client) as its server reports it: the name the room's people know it by
/// ("left", "ceiling"; "speaker" for a room's only one) and whether it is connected.
/// </summary>
public sealed record MusicSpeaker(string Name, bool Connected);

/// <summary>
/// What a room's player is actually doing, as the audio engine reports it; <paramref name="Speakers"/> lists the room's
/// network speakers when its output has them (Snapcast), else null.
/// </summary>
public sealed record MusicNowPlaying(
    string? PlaylistId,
    int TrackIndex,
    string? TrackTitle,
    double PositionSeconds,
    double DurationSeconds,
    int Volume,
    bool Playing,
    bool Ducked,
    string Output,
    string OutputState,
    IReadOnlyList<MusicSpeaker>? Speakers = null);
