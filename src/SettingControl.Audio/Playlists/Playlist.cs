namespace SettingControl.Audio.Playlists;

/// <summary>A playlist as loaded from <c>playlists/ID.json</c>; the id is the file name.</summary>
public sealed record Playlist(string Id, string Title, string? Description, IReadOnlyList<string> SuitsPhases, IReadOnlyList<PlaylistTrack> Tracks)
{
    public double TotalSeconds => Tracks.Where(t => t.Error is null).Sum(t => t.DurationSeconds ?? 0);
}

/// <summary>
/// One track: its source as written (a path relative to the playlist file, an absolute path, or a
/// <c>generator:</c> source), where it resolved to, its length, its gain, and why it cannot play if so.
/// </summary>
public sealed record PlaylistTrack(string Title, string Source, double GainDb, TrackKind Kind, string? ResolvedPath, double? DurationSeconds, string? Error)
{
    public float Gain => (float)Math.Pow(10, GainDb / 20);
}

/// <summary>How a track is decoded: in-process where a managed decoder matches ffmpeg's decode, else by ffmpeg.</summary>
public enum TrackKind
{
    Generator,
    Wav,
    Mp3,

    /// <summary>An <c>.ogg</c>/<c>.oga</c> file: Vorbis in-process; Opus or FLAC in Ogg goes to ffmpeg.</summary>
    Ogg,
    Ffmpeg,
}
