namespace SettingControl.Domain;

/// <summary>
/// Room and device ids travel in URLs and MQTT topics, so they are restricted to characters that are
/// safe in both: lower-case letters, digits, '-' and '_' (no '/', '+', '#' or spaces).
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
            if (!ok)
            {
                return false;
            }
        }

        return id[0] is not ('-' or '_');
    }
}
