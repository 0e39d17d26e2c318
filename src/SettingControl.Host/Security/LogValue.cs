using System.Text;

namespace SettingControl.Host.Security;

/// <summary>
/// A value a caller sent, made safe to log: at most <see cref="MaxLength"/> characters (a 5 MB username
/// must not become 5 MB of log) and control characters escaped, so a newline in a username cannot start
/// a forged log line.
/// </summary>
public static class LogValue
{
    public const int MaxLength = 64;

    public static string Of(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var shown = value.Length > MaxLength ? value.AsSpan(0, MaxLength) : value.AsSpan();
        var text = new StringBuilder(shown.Length + 16);
        foreach (var c in shown)
        {
            switch (c)
            {
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator or System.Globalization.UnicodeCategory.Format)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        if (value.Length > MaxLength)
        {
            text.Append("…(").Append(value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" chars)");
        }

        return text.ToString();
    }
}
