using SettingControl.Contracts;

namespace SettingControl.Grains.Tests;

/// <summary>The room's desired music: validated, persisted, given to the player, ducked by Lights up.</summary>
public sealed class MusicGrainTests : IAsyncLifetime
{
    private static readonly Actor Dana = new("therapist", "dana");
    private readonly string _databasePath = RoomCluster.NewDatabasePath();
    private RoomCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RoomCluster.StartAsync(_databasePath);
        await _cluster.Grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).EnsureRoom(new RoomDefinition("m", "Room M", [new DeviceAssignment("m-light", "light")]));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IRoomGrain Room => _cluster.Grains.GetGrain<IRoomGrain>("m");

    [Fact]
    public async Task Music_commands_are_validated_and_reach_the_player()
    {
        var bad = await Room.SetMusic(new SetMusicRequest(PlaylistId: "nope", Volume: 150), Dana);
        Assert.Equal(["playlistId", "volume"], bad.Errors.Select(e => e.Field).Order().ToArray());
        Assert.DoesNotContain(_cluster.Music.Applied, a => a.Music.PlaylistId == "nope");

        var ok = await Room.SetMusic(new SetMusicRequest("calm", true, 40), Dana);

        Assert.Equal(new MusicDto("calm", true, 40, false, ok.Snapshot!.Music!.NowPlaying), ok.Snapshot.Music);
        Assert.Equal(("m", "calm", true, 40, false), Last());
        Assert.Equal(CommandOutcome.Accepted, (await Room.SkipTrack(1, Dana)).Outcome);
        Assert.Contains(_cluster.Music.Skipped, s => s == ("m", 1));
        Assert.Equal(CommandOutcome.Invalid, (await Room.SkipTrack(3, Dana)).Outcome);
    }

    [Fact]
    public async Task Lights_up_ducks_the_music_and_resume_restores_it()
    {
        await Room.SetMusic(new SetMusicRequest("drift", true, 35), Dana);

        await Room.SessionCommand(SessionAction.LightsUp, Dana);
        Assert.True(Last().Ducked);
        await Room.SessionCommand(SessionAction.LightsUpResume, Dana);
        Assert.Equal(("m", "drift", true, 35, false), Last());
    }

    [Fact]
    public async Task The_music_survives_a_restart()
    {
        await Room.SetMusic(new SetMusicRequest("calm", true, 22), Dana);
        await _cluster.DisposeAsync();

        _cluster = await RoomCluster.StartAsync(_databasePath);
        var snapshot = (await Room.GetSnapshot())!;

        Assert.Equal(("calm", true, 22), (snapshot.Music!.PlaylistId, snapshot.Music.Playing, snapshot.Music.Volume));
        Assert.Equal(("m", "calm", true, 22, false), Last());
    }

    private (string RoomId, string? Playlist, bool Playing, int Volume, bool Ducked) Last()
    {
        var last = _cluster.Music.Applied.Last();
        return (last.RoomId, last.Music.PlaylistId, last.Music.Playing, last.Music.Volume, last.Ducked);
    }
}
