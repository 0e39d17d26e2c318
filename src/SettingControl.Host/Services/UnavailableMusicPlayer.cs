using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Host.Services;

/// <summary>
/// Stands in until the audio engine is wired in: it knows no playlists, so music commands are refused
/// with a clear message, and it reports that no audio output exists.
/// </summary>
public sealed class UnavailableMusicPlayer : IMusicPlayer, IPlaylistCatalog
{
    public IReadOnlyList<PlaylistDto> List() => [];

    public bool HasPlaylist(string playlistId) => false;

    public void Apply(string roomId, MusicSetting music, bool ducked)
    {
    }

    public void Skip(string roomId, int direction)
    {
    }

    public MusicNowPlaying? NowPlaying(string roomId) => null;
}
