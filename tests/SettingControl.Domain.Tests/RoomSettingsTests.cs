using Microsoft.Extensions.Time.Testing;
using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

/// <summary>Staff's per-room settings: the brightness ceiling and the default playlist.</summary>
public class RoomSettingsTests
{
    private const string Staff = "user:sam";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly TreatmentRoom _room = new();

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void A_manual_change_above_the_ceiling_goes_to_the_ceiling_and_the_record_says_it_was_limited()
    {
        Assert.False(_room.SetMaxBrightness(60, Staff, Now, ActualLevels.Unknown).Refused);

        var limited = _room.SetLighting(new LightingCommand(null, 80, null, 0), "user:tess", Now, ActualLevels.Unknown);

        Assert.False(limited.Refused);
        Assert.Equal(60, _room.Lights.Desired.Lighting.Brightness);
        Assert.EndsWith("(limited to 60% by staff)", Assert.Single(limited.Events).Summary, StringComparison.Ordinal);
        var within = _room.SetLighting(new LightingCommand(null, 50, null, 0), "user:tess", Now, ActualLevels.Unknown);
        Assert.DoesNotContain("limited", Assert.Single(within.Events).Summary, StringComparison.Ordinal);
        Assert.Equal(50, _room.Lights.Desired.Lighting.Brightness);
    }

    [Fact]
    public void Lowering_the_ceiling_fades_a_brighter_light_down_and_scenes_are_capped_but_lights_up_is_not()
    {
        _room.SetLighting(new LightingCommand(true, 90, null, 0), "user:tess", Now, ActualLevels.Unknown);
        var lowered = _room.SetMaxBrightness(40, Staff, Now, ActualLevels.Unknown);
        Assert.True(lowered.LightsChanged);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(40, _room.Lights.Desired.Lighting.Brightness);

        // Preparation scene of the esketamine protocol is 45 %: capped to 40.
        _room.StartSession(TestProtocols.Load("esketamine-nasal"), "s", "s1", "user:tess", Now, ActualLevels.Unknown);
        _time.Advance(TimeSpan.FromMinutes(2));
        _room.Tick(Now, ActualLevels.Unknown);
        Assert.Equal(40, _room.Lights.Desired.Lighting.Brightness);

        _room.LightsUpOn("user:tess", Now);
        Assert.Equal(TreatmentRoom.LightsUpBrightness, _room.Lights.Desired.Lighting.Brightness);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_ceiling_outside_1_to_100_is_refused(int value) =>
        Assert.True(_room.SetMaxBrightness(value, Staff, Now, ActualLevels.Unknown).Refused);

    [Fact]
    public void Play_without_a_chosen_playlist_starts_the_default_one()
    {
        Assert.True(_room.SetDefaultPlaylist("nope", Staff, Now, _ => false).Refused);
        Assert.False(_room.SetDefaultPlaylist("calm-drones", Staff, Now, id => id == "calm-drones").Refused);

        _room.SetMusic(new MusicCommand(null, true, null), "user:tess", Now, id => id == "calm-drones");

        Assert.Equal(new MusicSetting("calm-drones", true, MusicSetting.Default.Volume), _room.Music);
    }

    [Fact]
    public void A_settings_update_with_a_bad_limit_and_a_missing_playlist_is_refused_once_for_the_limit_and_changes_nothing()
    {
        var refused = _room.UpdateSettings(new RoomSettingsUpdate(0, "nope"), Staff, Now, ActualLevels.Unknown, _ => false);

        Assert.Equal(new ValidationError("maxBrightness", "The brightness limit is 1–100 %."), Assert.Single(refused.Errors));
        Assert.Equal((100, (string?)null), (_room.MaxBrightness, _room.DefaultPlaylistId));
    }

    [Fact]
    public void A_settings_update_whose_playlist_is_missing_leaves_the_limit_as_it_was()
    {
        var refused = _room.UpdateSettings(new RoomSettingsUpdate(60, "nope"), Staff, Now, ActualLevels.Unknown, _ => false);

        Assert.Equal(new ValidationError("defaultPlaylistId", "There is no playlist 'nope'."), Assert.Single(refused.Errors));
        Assert.Equal(100, _room.MaxBrightness);
    }

    [Fact]
    public void A_settings_update_applies_both_parts_records_each_and_an_empty_playlist_clears_the_default()
    {
        var applied = _room.UpdateSettings(new RoomSettingsUpdate(60, "calm"), Staff, Now, ActualLevels.Unknown, id => id == "calm");

        Assert.False(applied.Refused);
        Assert.Equal((60, "calm"), (_room.MaxBrightness, _room.DefaultPlaylistId));
        Assert.Equal(["brightness limit 60%", "default playlist calm"], applied.Events.Select(e => e.Summary));

        var cleared = _room.UpdateSettings(new RoomSettingsUpdate(null, ""), Staff, Now, ActualLevels.Unknown, _ => false);

        Assert.False(cleared.Refused);
        Assert.Equal((60, (string?)null), (_room.MaxBrightness, _room.DefaultPlaylistId));
        Assert.Equal(["no default playlist"], cleared.Events.Select(e => e.Summary));
    }
}
