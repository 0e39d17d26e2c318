using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

public class MusicTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly Func<string, bool> Playlists = id => id is "settling" or "deep-drift";

    private static Protocol WithMusic() => new("m", "M", null,
    [
        new PhaseDefinition("a", "A", null, 1, new Scene(null, null, new MusicSetting("settling", true, 30))),
        new PhaseDefinition("b", "B", null, 1, new Scene(null, null, new MusicSetting("deep-drift", true, 20))),
        new PhaseDefinition("c", "C", null, 1, new Scene(null, null, new MusicSetting(null, false, 0))),
    ]);

    [Fact]
    public void Phases_set_the_music_and_silence_is_a_choice()
    {
        var room = new TreatmentRoom();
        var start = room.StartSession(WithMusic(), "s", "s1", "t", T, ActualLevels.Unknown);

        Assert.True(start.MusicChanged);
        Assert.Equal(new MusicSetting("settling", true, 30), room.Music);
        room.JumpToPhase("b", "t", T, ActualLevels.Unknown);
        Assert.Equal(new MusicSetting("deep-drift", true, 20), room.Music);
        room.JumpToPhase("c", "t", T, ActualLevels.Unknown);
        Assert.Equal(new MusicSetting("deep-drift", false, 0), room.Music);
    }

    [Fact]
    public void A_therapists_volume_beats_the_program_until_the_next_phase_and_the_playlist_still_follows()
    {
        var room = new TreatmentRoom();
        room.StartSession(WithMusic(), "s", "s1", "t", T, ActualLevels.Unknown);

        var change = room.SetMusic(new MusicCommand(null, null, 55), "therapist:dana", T, Playlists);

        Assert.True(change.MusicChanged);
        Assert.Equal([ProgramAttribute.MusicVolume], room.Session!.Overrides);
        Assert.Equal("volume 55%", change.Events.Single().Summary);
        room.JumpToPhase("b", "t", T, ActualLevels.Unknown);
        Assert.Equal(new MusicSetting("deep-drift", true, 20), room.Music);
    }

    [Fact]
    public void Bad_music_commands_are_refused_and_change_nothing()
    {
        var room = new TreatmentRoom();
        var before = room.Music;

        var change = room.SetMusic(new MusicCommand("unknown", null, 101), "t", T, Playlists);

        Assert.Equal(["playlistId", "volume"], change.Errors.Select(e => e.Field).Order().ToArray());
        Assert.Equal(before, room.Music);
        Assert.True(room.SkipTrack(1, "t", T).Refused);
    }

    [Fact]
    public void Lights_up_ducks_the_music()
    {
        var room = new TreatmentRoom();
        room.SetMusic(new MusicCommand("settling", true, 40), "t", T, Playlists);

        Assert.True(room.LightsUpOn("t", T).MusicChanged);
        Assert.True(room.MusicDucked);
        Assert.True(room.LightsUpResume("t", T, ActualLevels.Unknown).MusicChanged);
        Assert.False(room.MusicDucked);
        Assert.Equal(new MusicSetting("settling", true, 40), room.Music);
    }
}
