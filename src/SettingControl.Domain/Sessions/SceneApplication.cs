using SettingControl.Domain.Program;

namespace SettingControl.Domain.Sessions;

/// <summary>A phase's scene put onto the room's light program and music, leaving alone what the therapist took over.</summary>
public static class SceneApplication
{
    /// <summary>
    /// Starts ramps toward a scene. A live change (now ≈ start) fades from where the devices actually
    /// are; a catch-up after downtime computes the fade from the persisted moment it began, so the
    /// room shows the right fade position rather than starting it over.
    /// </summary>
    public static MusicSetting Apply(Scene scene, LightProgram lights, MusicSetting music, int maxBrightness, IReadOnlyCollection<ProgramAttribute> overrides,
        DateTimeOffset start, DateTimeOffset now, long fadeMs, ActualLevels actual, RoomChange change, ProgramAttribute? only = null,
        int maxMaskLight = Ranges.MaxMaskLight)
    {
        var live = now - start < TimeSpan.FromSeconds(2);
        bool Applies(ProgramAttribute a) => (only is null || only == a) && !overrides.Contains(a);

        Ramp Toward(Ramp current, double to, double? actualLevel, long minimumFadeMs = 0) => live
            ? new Ramp(actualLevel ?? current.ValueAt(now), to, now, Math.Max(minimumFadeMs, fadeMs - (long)(now - start).TotalMilliseconds))
            : new Ramp(current.ValueAt(start), to, start, fadeMs);

        if (scene.Lighting is { } lighting)
        {
            if (Applies(ProgramAttribute.LightsOn) && lights.LightsOn != lighting.On)
            {
                lights.LightsOn = lighting.On;
                change.LightsChanged = true;
            }

            if (Applies(ProgramAttribute.Brightness))
            {
                lights.Brightness = Toward(lights.Brightness, Math.Min(lighting.Brightness, maxBrightness), actual.Brightness);
                change.LightsChanged = true;
            }

            if (Applies(ProgramAttribute.ColorTempK))
            {
                lights.ColorTempK = Toward(lights.ColorTempK, lighting.ColorTempK, actual.ColorTempK);
                change.LightsChanged = true;
            }
        }

        if (scene.Mask is { } mask)
        {
            if (Applies(ProgramAttribute.MaskOn) && lights.MaskOn != mask.On)
            {
                lights.MaskOn = mask.On;
                change.MaskChanged = true;
            }

            if (Applies(ProgramAttribute.MaskLight))
            {
                // Capped to staff's ceiling, and never at once on a worn mask: a scene with no fade still gets the mask's.
                lights.MaskLight = Toward(lights.MaskLight, Math.Min(mask.Light, maxMaskLight), actual.MaskLight, TreatmentRoom.MaskFadeMs);
                change.MaskChanged = true;
            }
        }

        if (scene.Music is { } sceneMusic)
        {
            var next = new MusicSetting(
                Applies(ProgramAttribute.MusicPlaylist) ? sceneMusic.PlaylistId ?? music.PlaylistId : music.PlaylistId,
                Applies(ProgramAttribute.MusicPlaying) ? sceneMusic.Playing : music.Playing,
                Applies(ProgramAttribute.MusicVolume) ? sceneMusic.Volume : music.Volume);
            if (next != music)
            {
                music = next;
                change.MusicChanged = true;
            }
        }

        change.StateChanged |= change.LightsChanged || change.MaskChanged || change.MusicChanged;
        return music;
    }
}
