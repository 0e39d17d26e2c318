using SettingControl.Domain.Program;

namespace SettingControl.Domain.Sessions;

/// <summary>
/// Lights up, the one safety action: full neutral light at once, mask light off, the clock held, the music ducked;
/// and its end, back to the program (or to the light before it) with a short fade.
/// </summary>
internal static class LightsUpSteps
{
    /// <summary>
    /// Full neutral light at once, mask light off, the clock held. Pressed again while on, it changes nothing in the
    /// program but sends Lights up to every device once more: a therapist who presses twice wants the light, and a
    /// device that missed the first press (rebooted, storage failing, a dropped message) gets it now.
    /// </summary>
    public static RoomChange LightsUpOn(TreatmentRoom room, string actor, DateTimeOffset now)
    {
        if (room.LightsUp is { } active)
        {
            var again = new RoomChange { LightsChanged = true, MaskChanged = true, MusicChanged = true, IsSafetyAction = true };
            again.Events.Add(new RoomEvent(RoomEventTypes.LightsUpResent, $"Lights up pressed again (on since {active.Since:HH:mm:ss}): sent to every device once more", actor, now)
            {
                Before = room.Lights.Desired,
                After = room.Lights.Desired,
                TransitionMs = 0,
                Phase = room.ActiveSession?.Phase.Name,
            });
            return again;
        }

        var before = room.Lights.Desired;
        room.LightsUp = new LightsUpState(now, actor, before);
        room.Lights.LightsOn = true;
        room.Lights.Brightness = Ramp.Steady(TreatmentRoom.LightsUpBrightness, now);
        room.Lights.ColorTempK = Ramp.Steady(TreatmentRoom.LightsUpColorTempK, now);
        room.Lights.MaskOn = false;
        room.Lights.MaskLight = Ramp.Steady(room.Lights.MaskLight.ValueAt(now), now);
        var change = new RoomChange { LightsChanged = true, MaskChanged = true, MusicChanged = true, StateChanged = true, IsSafetyAction = true };
        if (room.ActiveSession is { IsHeld: false } session)
        {
            session.HeldSince = now;
            session.HeldByLightsUp = true;
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.LightsUp, "LIGHTS UP: full neutral light, mask light off, clock held", actor, now)
        {
            Before = before,
            After = room.Lights.Desired,
            TransitionMs = 0,
            Phase = room.ActiveSession?.Phase.Name,
        });
        return change;
    }

    /// <summary>Back to what the program says now (or to the light before Lights up), with a short fade.</summary>
    public static RoomChange LightsUpResume(TreatmentRoom room, string actor, DateTimeOffset now, ActualLevels actual)
    {
        if (room.LightsUp is not { } lightsUp)
        {
            return RoomChange.Refuse("lightsUp", "Lights up is not on.");
        }

        room.LightsUp = null;
        var before = room.Lights.Desired;
        var change = new RoomChange { LightsChanged = true, MaskChanged = true, MusicChanged = true, StateChanged = true };

        // Start from the light as it was before Lights up, then let the phase scene (if any) decide.
        var restored = lightsUp.Before;
        room.Lights.LightsOn = restored.Lighting.On;
        room.Lights.Brightness = room.Lights.Brightness.Toward(Math.Min(restored.Lighting.Brightness, room.MaxBrightness), now, TreatmentRoom.ReturnFadeMs, actual.Brightness);
        room.Lights.ColorTempK = room.Lights.ColorTempK.Toward(restored.Lighting.ColorTempK, now, TreatmentRoom.ReturnFadeMs, actual.ColorTempK);
        room.Lights.MaskOn = restored.Mask.On;
        room.Lights.MaskLight = room.Lights.MaskLight.Toward(Math.Min(restored.Mask.Light, room.MaxMaskLight), now, TreatmentRoom.ReturnFadeMs, actual.MaskLight);
        if (room.ActiveSession is { } session)
        {
            session.Overrides.Clear();
            room.ApplyScene(session.Phase.Scene, now, now, TreatmentRoom.ReturnFadeMs, actual, change);
            if (session.HeldByLightsUp && session.IsHeld)
            {
                PhaseClock.Resume(session, now);
            }
        }

        change.Events.Add(new RoomEvent(RoomEventTypes.LightsUpResumed, "Lights up ended: room returns to the program", actor, now)
        {
            Before = before,
            After = room.Lights.Desired,
            TransitionMs = TreatmentRoom.ReturnFadeMs,
            Phase = room.ActiveSession?.Phase.Name,
        });
        return change;
    }
}
