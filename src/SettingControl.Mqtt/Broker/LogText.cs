namespace SettingControl.Mqtt.Broker;

/// <summary>What a client sent, made safe and short for one log line: no control characters, at most 64 characters.</summary>
internal static class LogText
{
    private const int MaxLength = 64;

    public static string Brief(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var text = value.Length > MaxLength ? value[..MaxLength] + "…" : value;
        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
