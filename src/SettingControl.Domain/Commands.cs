namespace SettingControl.Domain;

/// <summary>
/// A change to the room's lights. Every field is optional: an omitted field keeps its current value,
/// so a tablet that only moves the brightness slider never resets the colour temperature.
/// </summary>
public sealed record LightingCommand(bool? On, int? Brightness, int? ColorTempK, int? TransitionMs);

/// <summary>
/// A change to the eye mask. Omitted fields keep their current value; with no <see cref="TransitionMs"/> the light
/// fades over the room's default mask fade, so a worn mask never goes from dark to bright at once.
/// </summary>
public sealed record MaskCommand(bool? On, int? Light, int? TransitionMs = null);

/// <summary>A change to the music. Omitted fields keep their current value.</summary>
public sealed record MusicCommand(string? PlaylistId, bool? Playing, int? Volume);

/// <summary>
/// Staff's change to a room's settings, applied as a whole or not at all. Omitted (null) fields keep their value;
/// an empty <see cref="DefaultPlaylistId"/> clears the default playlist.
/// </summary>
public sealed record RoomSettingsUpdate(int? MaxBrightness, string? DefaultPlaylistId, int? MaxMaskLight = null);

/// <summary>One reason a command was rejected, naming the field so a client can show it.</summary>
public sealed record ValidationError(string Field, string Message);

public static class CommandValidation
{
    public static IReadOnlyList<ValidationError> Validate(LightingCommand command)
    {
        var errors = new List<ValidationError>();
        if (command.On is null && command.Brightness is null && command.ColorTempK is null)
        {
            errors.Add(new("lighting", "Give at least one of 'on', 'brightness' or 'colorTempK'."));
        }

        CheckRange(errors, "brightness", command.Brightness, Ranges.MinBrightness, Ranges.MaxBrightness, "%");
        CheckRange(errors, "colorTempK", command.ColorTempK, Ranges.MinColorTempK, Ranges.MaxColorTempK, " K");
        CheckRange(errors, "transitionMs", command.TransitionMs, Ranges.MinTransitionMs, Ranges.MaxTransitionMs, " ms");
        return errors;
    }

    public static IReadOnlyList<ValidationError> Validate(MaskCommand command)
    {
        var errors = new List<ValidationError>();
        if (command.On is null && command.Light is null)
        {
            errors.Add(new("mask", "Give at least one of 'on' or 'light'."));
        }

        CheckRange(errors, "light", command.Light, Ranges.MinMaskLight, Ranges.MaxMaskLight, "%");
        CheckRange(errors, "transitionMs", command.TransitionMs, Ranges.MinTransitionMs, Ranges.MaxTransitionMs, " ms");
        return errors;
    }

    public static IReadOnlyList<ValidationError> Validate(MusicCommand command, Func<string, bool> playlistExists)
    {
        var errors = new List<ValidationError>();
        if (command.PlaylistId is null && command.Playing is null && command.Volume is null)
        {
            errors.Add(new("music", "Give at least one of 'playlistId', 'playing' or 'volume'."));
        }

        CheckRange(errors, "volume", command.Volume, 0, 100, "%");
        if (command.PlaylistId is { } playlist && !playlistExists(playlist))
        {
            errors.Add(new("playlistId", $"There is no playlist '{playlist}'."));
        }

        return errors;
    }

    private static void CheckRange(List<ValidationError> errors, string field, int? value, int min, int max, string unit)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors.Add(new(field, $"'{field}' must be between {min}{unit} and {max}{unit}; got {v}{unit}."));
        }
    }
}
