namespace SettingControl.Domain.Sessions;

/// <summary>
/// The wire names of <see cref="ProgramAttribute"/>: what the API, the snapshot's overrides and the record use for
/// "the therapist took this over from the program".
/// </summary>
public static class ProgramAttributeNames
{
    public static string Wire(ProgramAttribute attribute) => attribute switch
    {
        ProgramAttribute.LightsOn => "lightsOn",
        ProgramAttribute.Brightness => "brightness",
        ProgramAttribute.ColorTempK => "colorTempK",
        ProgramAttribute.MaskOn => "maskOn",
        ProgramAttribute.MaskLight => "maskLight",
        ProgramAttribute.MusicPlaylist => "musicPlaylist",
        ProgramAttribute.MusicPlaying => "musicPlaying",
        ProgramAttribute.MusicVolume => "musicVolume",
        _ => attribute.ToString(),
    };

    /// <summary>Every wire name, for a refusal that says what would have been accepted.</summary>
    public static string AllWire { get; } = string.Join(", ", Enum.GetValues<ProgramAttribute>().Select(Wire));

    public static bool TryParse(string? wire, out ProgramAttribute attribute)
    {
        foreach (var candidate in Enum.GetValues<ProgramAttribute>())
        {
            if (Wire(candidate) == wire)
            {
                attribute = candidate;
                return true;
            }
        }

        attribute = default;
        return false;
    }
}
