using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;

namespace SettingControl.Audio.Tests;

public sealed class PlaylistTests : IDisposable
{
    private readonly string _directory = Measure.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static string RepositoryPlaylists()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SettingControl.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "playlists");
    }

    [Fact]
    public void The_demo_playlists_play_on_a_fresh_clone_with_no_problems()
    {
        var catalog = new PlaylistCatalog(RepositoryPlaylists(), new FfmpegTools());

        Assert.Empty(catalog.Problems);
        Assert.Equal(["arrival", "deep", "onset", "rest", "return"], catalog.All.Select(p => p.Id).ToArray());
        foreach (var playlist in catalog.All)
        {
            Assert.All(playlist.Tracks, t => Assert.Null(t.Error));
            Assert.All(playlist.Tracks, t => Assert.StartsWith(GeneratorSpec.Prefix, t.Source));
            Assert.True(playlist.TotalSeconds >= 600, $"{playlist.Id} is only {playlist.TotalSeconds} s");
            Assert.NotEmpty(playlist.SuitsPhases);
        }
    }

    [Fact]
    public void A_broken_playlist_file_is_reported_and_the_others_still_load()
    {
        File.WriteAllText(Path.Combine(_directory, "good.json"), """{ "title": "Good", "tracks": [ { "title": "t", "source": "generator:drone?seconds=10", "gainDb": -3 } ] }""");
        File.WriteAllText(Path.Combine(_directory, "broken.json"), """{ "title": "Broken", "tracks": [ """);
        File.WriteAllText(Path.Combine(_directory, "empty.json"), """{ "title": "Empty", "tracks": [] }""");
        File.WriteAllText(Path.Combine(_directory, "typo.json"), """{ "title": "Typo", "trakcs": [] }""");
        File.WriteAllText(Path.Combine(_directory, "Bad Name.json"), """{ "title": "x", "tracks": [ { "source": "generator:drone" } ] }""");

        var catalog = new PlaylistCatalog(_directory, new FfmpegTools());

        Assert.Equal(["good"], catalog.All.Select(p => p.Id).ToArray());
        Assert.Equal(-3, catalog.Find("good")!.Tracks[0].GainDb);
        Assert.Contains(catalog.Problems, p => p.StartsWith("broken.json: not a valid playlist", StringComparison.Ordinal));
        Assert.Contains(catalog.Problems, p => p.StartsWith("empty.json: 'tracks' must list at least one track", StringComparison.Ordinal));
        Assert.Contains(catalog.Problems, p => p.StartsWith("typo.json: not a valid playlist", StringComparison.Ordinal) && p.Contains("trakcs", StringComparison.Ordinal));
        Assert.Contains(catalog.Problems, p => p.StartsWith("Bad Name.json: the file name is the playlist id", StringComparison.Ordinal));
    }

    [Fact]
    public void An_edited_playlist_is_picked_up_without_a_restart()
    {
        var file = Path.Combine(_directory, "calm.json");
        File.WriteAllText(file, """{ "title": "Calm", "tracks": [ { "title": "a", "source": "generator:drone?seconds=10" } ] }""");
        var catalog = new PlaylistCatalog(_directory, new FfmpegTools());
        Assert.Single(catalog.Find("calm")!.Tracks);

        File.WriteAllText(file, """{ "title": "Calm", "tracks": [ { "title": "a", "source": "generator:drone?seconds=10" }, { "title": "b", "source": "generator:pad?seconds=20" } ] }""");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        catalog.Refresh(force: true);

        Assert.Equal(30, catalog.Find("calm")!.TotalSeconds);
    }
}
