using SettingControl.Domain.Program;

namespace SettingControl.Domain.Sessions;

/// <summary>
/// A therapist's own changes to the room: lights, mask, music and track skips. Each is checked first (ranges, the
/// room's brightness and mask-light limits, the playlist), then applied; during a session the attribute it touched is taken over from
/// the program until the next phase.
/// </summary>
internal static class ManualChanges
{
    public static RoomChange SetLighting(TreatmentRoom room, LightingCommand command, string actor, DateTimeOffset now, ActualLevels actual)
    {
        var errors = CommandValidation.Validate(command);
        if (errors.Count > 0)
        {
            return RoomChange.Refuse(errors);
        }

        // Above the room's ceiling is not an error a therapist must clear in a dim room: the light goes as far as the
        // ceiling staff set, and the record says it was limited.
        var limited = command.Brightness > room.MaxBrightness;
        if (limited)
        {
            command = command with { Brightness = room.MaxBrightness };
        }

        var change = new RoomChange { LightsChanged = true, StateChanged = true };
        var before = room.Lights.Desired;
        var transition = command.TransitionMs ?? 0;
        if (command.On is { } on)
        {
            room.Lights.LightsOn = on;
            room.TakeOver(ProgramAttribute.LightsOn, actor);
        }

        if (command.Brightness is { } brightness)
        {
            room.Lights.Brightness = room.Lights.Brightness.Toward(brightness, now, transition, actual.Brightness);
            room.TakeOver(ProgramAttribute.Brightness, actor);
        }

        if (command.ColorTempK is { } colorTemp)
        {
            room.Lights.ColorTempK = room.Lights.ColorTempK.Toward(colorTemp, now, transition, actual.ColorTempK);
            room.TakeOver(ProgramAttribute.ColorTempK, actor);
        }

        var text = RoomEventText.Describe(command) + (limited ? $" (limited to {room.MaxBrightness}% by staff)" : string.Empty);
        change.Events.Add(new RoomEvent(RoomEventTypes.LightingChanged, text, actor, now)
        {
            Before = before,
            After = room.Lights.Desired,
            TransitionMs = transition,
            Phase = room.ActiveSession?.Phase.Name,
        });
        return change;
    }

    public static RoomChange SetMask(TreatmentRoom room, MaskCommand command, string actor, DateTimeOffset now, ActualLevels actual)
    {
        var errors = CommandValidation.Validate(command);
        if (errors.Count > 0)
        {
            return RoomChange.Refuse(errors);
        }

        // The mask sits on the patient's eyes: above staff's ceiling it goes to the ceiling (said in the record), and
        // it fades unless the command asks otherwise, like the room lights.
        var limited = command.Light > room.MaxMaskLight;
        if (limited)
        {
            command = command with { Light = room.MaxMaskLight };
        }

        command = command with { TransitionMs = command.TransitionMs ?? TreatmentRoom.MaskFadeMs };
        var change = new RoomChange { MaskChanged = true, StateChanged = true };
        var before = room.Lights.Desired;
        var transition = command.TransitionMs.Value;

        // A mask switched on comes up from dark over the fade, to its light or the one asked for: never on at once.
        var switchedOn = command.On == true && !room.Lights.MaskOn;
        if (command.On is { } on)
        {
            room.Lights.MaskOn = on;
            room.TakeOver(ProgramAttribute.MaskOn, actor);
        }

        if (command.Light is { } light)
        {
            room.Lights.MaskLight = room.Lights.MaskLight.Toward(light, now, transition, switchedOn ? 0 : actual.MaskLight);
            room.TakeOver(ProgramAttribute.MaskLight, actor);
        }
        else if (switchedOn)
        {
            room.Lights.MaskLight = room.Lights.MaskLight.Toward(room.Lights.MaskLight.To, now, transition, 0);
        }

        var text = RoomEventText.Describe(command)
            + (switchedOn && command.Light is null ? $", fading up to {room.Lights.MaskLight.To:0}% over {transition / 1000.0:0.#} s" : string.Empty)
            + (limited ? $" (limited to {room.MaxMaskLight}% by staff)" : string.Empty);
        change.Events.Add(new RoomEvent(RoomEventTypes.MaskChanged, text, actor, now)
        {
            Before = before,
            After = room.Lights.Desired,
            TransitionMs = command.Light is null && !switchedOn ? 0 : transition,
            Phase = room.ActiveSession?.Phase.Name,
        });
        return change;
    }

    public static RoomChange SetMusic(TreatmentRoom room, MusicCommand command, string actor, DateTimeOffset now, Func<string, bool> playlistExists)
    {
        var errors = CommandValidation.Validate(command, playlistExists);
        if (errors.Count > 0)
        {
            return RoomChange.Refuse(errors);
        }

        var before = room.Music;
        room.Music = new MusicSetting(command.PlaylistId ?? room.Music.PlaylistId ?? room.DefaultPlaylistId, command.Playing ?? room.Music.Playing, command.Volume ?? room.Music.Volume);
        if (command.PlaylistId is not null)
        {
            room.TakeOver(ProgramAttribute.MusicPlaylist, actor);
        }

        if (command.Playing is not null)
        {
            room.TakeOver(ProgramAttribute.MusicPlaying, actor);
        }

        if (command.Volume is not null)
        {
            room.TakeOver(ProgramAttribute.MusicVolume, actor);
        }

        var change = new RoomChange { MusicChanged = true, StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.MusicChanged, RoomEventText.DescribeMusic(before, room.Music), actor, now) { Phase = room.ActiveSession?.Phase.Name });
        return change;
    }

    public static RoomChange SkipTrack(TreatmentRoom room, int direction, string actor, DateTimeOffset now)
    {
        if (room.Music.PlaylistId is null || !room.Music.Playing)
        {
            return RoomChange.Refuse("music", "No music is playing in this room.");
        }

        var change = new RoomChange { MusicSkip = Math.Sign(direction) };
        change.Events.Add(new RoomEvent(direction > 0 ? RoomEventTypes.MusicNext : RoomEventTypes.MusicPrevious, direction > 0 ? "Next track" : "Previous track", actor, now)
        {
            Phase = room.ActiveSession?.Phase.Name,
        });
        return change;
    }
}
