namespace SettingControl.Audio;

/// <summary>Configuration section <c>Audio</c> (docs/audio.md).</summary>
public sealed class AudioOptions
{
    public const string Section = "Audio";

    /// <summary>Folder of <c>*.json</c> playlists; relative paths are resolved against the host's folder.</summary>
    public string PlaylistDirectory { get; set; } = "playlists";

    /// <summary>A room's output until staff set one: <c>none</c>, <c>alsa</c>, <c>alsa:DEVICE</c> or <c>file:NAME</c> (<c>{room}</c> → room id).</summary>
    public string DefaultOutput { get; set; } = "alsa";

    /// <summary>The one folder file outputs write to (a file output names a file in it); null: <c>&lt;Storage:DataDirectory&gt;/audio</c>.</summary>
    public string? FileOutputDirectory { get; set; }

    public string FfmpegPath { get; set; } = "ffmpeg";

    public string FfprobePath { get; set; } = "ffprobe";

    public int SampleRate { get; set; } = 48_000;

    /// <summary>One block of the render clock; every room renders one block per tick.</summary>
    public int BlockMilliseconds { get; set; } = 20;

    /// <summary>Equal-power crossfade between tracks, also used for next/previous and playlist changes.</summary>
    public double CrossfadeSeconds { get; set; } = 8;

    /// <summary>How long a volume change takes (a linear gain ramp, sample by sample).</summary>
    public double VolumeRampSeconds { get; set; } = 1;

    /// <summary>Fade out before pausing (playing:false) and in on resume.</summary>
    public double PauseFadeSeconds { get; set; } = 0.5;

    /// <summary>How far Lights up ducks the music, in dB, and how fast.</summary>
    public double DuckDb { get; set; } = -18;

    public double DuckFadeSeconds { get; set; } = 0.5;

    /// <summary>How often a playing room tells its dashboards the position (track changes are told at once).</summary>
    public double StatusSeconds { get; set; } = 5;

    /// <summary>The room volume 0–100 as a gain: square law, so the slider's middle sounds like the middle (50 → −12 dB).</summary>
    public static double VolumeToGain(int volume) => Math.Pow(Math.Clamp(volume, 0, 100) / 100.0, 2);
}
