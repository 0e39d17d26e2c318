using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>The playlists the music engine can play, for the API and the dashboard.</summary>
public interface IPlaylistCatalog
{
    IReadOnlyList<PlaylistDto> List();
}
