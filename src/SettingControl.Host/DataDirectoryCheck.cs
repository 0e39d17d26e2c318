namespace SettingControl.Host;

/// <summary>A reason the host will not start, said in one line to the operator (no stack trace).</summary>
public sealed class StartupRefusedException(string message) : Exception(message);

/// <summary>
/// The data directory must be writable before anything starts: a host that came up on a read-only disk would accept
/// a therapist's changes it can never store. Checked by creating and removing a small file.
/// </summary>
public static class DataDirectoryCheck
{
    public static void EnsureWritable(string directory)
    {
        var full = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-check-{Environment.ProcessId}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException(
                $"SettingControl cannot start: the data directory {full} is not writable ({ex.Message.TrimEnd('.')}). " +
                "Give the service write access to it, or set Storage:DataDirectory to a writable directory.");
        }
    }
}
