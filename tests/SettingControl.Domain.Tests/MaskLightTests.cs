using Microsoft.Extensions.Time.Testing;
using SettingControl.Domain.Program;
using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

/// <summary>The eye-mask light: it fades like the room lights and stays under the ceiling staff set for it.</summary>
public class MaskLightTests
{
    private const string Staff = "user:sam";
    private const string Therapist = "user:tess";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly TreatmentRoom _room = new();

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void A_mask_light_change_without_a_fade_fades_over_the_default_and_the_record_says_how_long()
    {
        var change = _room.SetMask(new MaskCommand(true, 80), Therapist, Now, ActualLevels.Unknown);

        Assert.False(change.Refused);
        Assert.Equal(TreatmentRoom.MaskFadeMs, _room.Lights.MaskLight.DurationMs);
        Assert.True(TreatmentRoom.MaskFadeMs >= 2000, "a few seconds, not a blink");
        var recorded = Assert.Single(change.Events);
        Assert.Equal(TreatmentRoom.MaskFadeMs, recorded.TransitionMs);
        Assert.Equal(80, _room.Lights.Desired.Mask.Light);

        // Halfway through, the mask is halfway there: the device is told one fade, not a jump.
        Assert.Equal(40, _room.Lights.MaskAt(Now.AddMilliseconds(TreatmentRoom.MaskFadeMs / 2)).Light);
        var segment = _room.Lights.SegmentAt(DeviceKind.Mask, Now, 600_000);
        Assert.Equal((80, TreatmentRoom.MaskFadeMs), (segment.Light, segment.TransitionMs));
    }

    [Fact]
    public void A_mask_light_change_with_its_own_fade_uses_it_and_zero_means_at_once()
    {
        var slow = _room.SetMask(new MaskCommand(null, 30, 10_000), Therapist, Now, ActualLevels.Unknown);
        Assert.Equal(10_000, _room.Lights.MaskLight.DurationMs);
        Assert.Equal(10_000, Assert.Single(slow.Events).TransitionMs);
        Assert.Contains("over 10 s", slow.Events[0].Summary, StringComparison.Ordinal);

        var instant = _room.SetMask(new MaskCommand(null, 5, 0), Therapist, Now, ActualLevels.Unknown);
        Assert.Equal(0, Assert.Single(instant.Events).TransitionMs);
        Assert.Equal(5, _room.Lights.MaskAt(Now).Light);

        // Switching the mask off alone fades nothing, and the record does not say it did.
        var off = _room.SetMask(new MaskCommand(false, null), Therapist, Now, ActualLevels.Unknown);
        Assert.Equal(0, Assert.Single(off.Events).TransitionMs);
    }

    [Fact]
    public void A_mask_switched_on_comes_up_from_dark_over_the_default_fade_and_an_off_mask_is_told_light_zero()
    {
        _room.SetMask(new MaskCommand(false, 80, 0), Therapist, Now, ActualLevels.Unknown);
        var offSegment = _room.Lights.SegmentAt(DeviceKind.Mask, Now, 0);
        Assert.Equal((false, 0), (offSegment.On, offSegment.Light)); // it would come back on at 80 % at once otherwise

        var on = _room.SetMask(new MaskCommand(true, null), Therapist, Now.AddSeconds(10), ActualLevels.Unknown);
        var e = Assert.Single(on.Events);
        Assert.Equal(TreatmentRoom.MaskFadeMs, e.TransitionMs);
        Assert.Equal("mask light on, fading up to 80% over 3 s", e.Summary);
        Assert.Equal(0, _room.Lights.MaskAt(Now.AddSeconds(10)).Light);
        Assert.Equal(40, _room.Lights.MaskAt(Now.AddSeconds(11.5)).Light);
        var segment = _room.Lights.SegmentAt(DeviceKind.Mask, Now.AddSeconds(10), 0);
        Assert.Equal((true, 80, TreatmentRoom.MaskFadeMs), (segment.On, segment.Light, segment.TransitionMs));

        // Already on, "on" again changes no level.
        _room.SetMask(new MaskCommand(true, null), Therapist, Now.AddSeconds(20), ActualLevels.Unknown);
        Assert.Equal(80, _room.Lights.MaskAt(Now.AddSeconds(20)).Light);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3_600_001)]
    public void A_mask_fade_outside_the_lighting_range_is_refused_and_changes_nothing(int transitionMs)
    {
        var refused = _room.SetMask(new MaskCommand(true, 50, transitionMs), Therapist, Now, ActualLevels.Unknown);

        Assert.True(refused.Refused);
        Assert.Equal("transitionMs", Assert.Single(refused.Errors).Field);
        Assert.Equal(MaskSetting.Default, _room.Lights.Desired.Mask);
    }

    [Fact]
    public void A_mask_light_above_the_ceiling_goes_to_the_ceiling_and_the_record_says_it_was_limited()
    {
        Assert.False(_room.SetMaxMaskLight(60, Staff, Now, ActualLevels.Unknown).Refused);

        var limited = _room.SetMask(new MaskCommand(true, 100), Therapist, Now, ActualLevels.Unknown);

        Assert.False(limited.Refused);
        Assert.Equal(60, _room.Lights.Desired.Mask.Light);
        Assert.EndsWith("(limited to 60% by staff)", Assert.Single(limited.Events).Summary, StringComparison.Ordinal);
        var within = _room.SetMask(new MaskCommand(null, 40), Therapist, Now, ActualLevels.Unknown);
        Assert.DoesNotContain("limited", Assert.Single(within.Events).Summary, StringComparison.Ordinal);
        Assert.Equal(40, _room.Lights.Desired.Mask.Light);
    }

    [Fact]
    public void Lowering_the_ceiling_below_the_mask_light_fades_it_down_and_a_higher_one_leaves_it()
    {
        _room.SetMask(new MaskCommand(true, 90, 0), Therapist, Now, ActualLevels.Unknown);

        var lowered = _room.UpdateSettings(new RoomSettingsUpdate(null, null, 30), Staff, Now, ActualLevels.Unknown, _ => false);

        Assert.True(lowered.MaskChanged);
        Assert.Equal(30, _room.MaxMaskLight);
        Assert.Equal(30, _room.Lights.Desired.Mask.Light);
        Assert.True(_room.Lights.MaskLight.IsMovingAt(Now), "the mask light fades down, it does not drop");
        Assert.Equal(90, _room.Lights.MaskAt(Now).Light);
        Assert.Equal("mask light limit 30%", Assert.Single(lowered.Events).Summary);

        _time.Advance(TimeSpan.FromSeconds(5));
        var raised = _room.UpdateSettings(new RoomSettingsUpdate(null, null, 80), Staff, Now, ActualLevels.Unknown, _ => false);
        Assert.False(raised.MaskChanged);
        Assert.Equal(30, _room.Lights.Desired.Mask.Light);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_mask_light_ceiling_outside_1_to_100_is_refused_and_changes_nothing(int value)
    {
        var refused = _room.UpdateSettings(new RoomSettingsUpdate(60, null, value), Staff, Now, ActualLevels.Unknown, _ => false);

        Assert.True(refused.Refused);
        Assert.Equal("maxMaskLight", Assert.Single(refused.Errors).Field);
        Assert.Equal((100, 100), (_room.MaxBrightness, _room.MaxMaskLight));
    }

    [Fact]
    public void A_scene_is_capped_to_the_mask_ceiling_and_a_scene_without_a_fade_still_fades_the_mask()
    {
        var lights = new LightProgram();
        var scene = new Scene(null, new MaskSetting(true, 80));
        var change = new RoomChange();

        SceneApplication.Apply(scene, lights, MusicSetting.Default, 100, [], Now, Now, 0, ActualLevels.Unknown, change, maxMaskLight: 50);

        Assert.Equal(50, lights.MaskLight.To);
        Assert.Equal(TreatmentRoom.MaskFadeMs, lights.MaskLight.DurationMs);
        Assert.True(change.MaskChanged);
    }

    [Fact]
    public void The_return_from_lights_up_keeps_the_mask_under_a_ceiling_lowered_meanwhile()
    {
        _room.SetMask(new MaskCommand(true, 70, 0), Therapist, Now, ActualLevels.Unknown);
        _room.LightsUpOn(Therapist, Now);

        // During Lights up the mask light is off anyway; the lowered ceiling holds for the way back.
        Assert.False(_room.SetMaxMaskLight(20, Staff, Now, ActualLevels.Unknown).MaskChanged);
        _room.LightsUpResume(Therapist, Now, ActualLevels.Unknown);

        Assert.Equal(new MaskSetting(true, 20), _room.Lights.Desired.Mask);
    }
}
