using System.Text.Json;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// Which WAV files in the output folder SettingControl made, so it may truncate them again (a room that
/// plays after a restart starts its file afresh) while any other file is never touched.
/// Kept as a sidecar list, <c>.settingcontrol-files.json</c> in the output folder, of each file's name with
/// the device, inode and birth time it was created with (read from the open descriptor by statx). A name
/// alone would not do (the file could have been replaced by someone else's under the same name), nor would
/// a header check (sox writes the very same float WAV header), nor an inode alone (a file made right after
/// a delete gets the freed inode number); device, inode and birth time together are one file. A file whose name is listed but whose inode differs, that has other hard links, or
/// that is not a regular file is foreign. The list's own name does not end in .wav, so no output can
/// be pointed at it; a list that is missing, a symlink or unreadable counts as empty: nothing is then
/// truncated, which is the safe direction.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class OwnedWavFiles
{
    public const string ListName = ".settingcontrol-files.json";

    // One process may run several hosts (the tests do); the list is read, changed and renamed under one lock.
    private static readonly Lock ListLock = new();

    private sealed record Entry(ulong Device, ulong Inode, long BirthSeconds, uint BirthNanoseconds)
    {
        public static Entry Of(UnixFiles.Identity identity) => new(identity.Device, identity.Inode, identity.BirthSeconds, identity.BirthNanoseconds);
    }

    public static bool IsOurs(string directory, string fileName, UnixFiles.Identity identity)
    {
        if (!identity.IsRegular || identity.Links != 1)
        {
            return false;
        }

        lock (ListLock)
        {
            return Read(directory).TryGetValue(fileName, out var entry) && entry == Entry.Of(identity);
        }
    }

    /// <summary>Records a file just created (O_EXCL) by SettingControl; written atomically (temp file, then rename).</summary>
    public static void Add(string directory, string fileName, UnixFiles.Identity identity)
    {
        lock (ListLock)
        {
            var list = Read(directory);
            list[fileName] = Entry.Of(identity);
            var path = Path.Combine(directory, ListName);
            var temp = path + ".tmp";

            // Deleting first removes a stale temp file or a link planted under its name (unlink never follows).
            File.Delete(temp);
            using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                JsonSerializer.Serialize(file, list);
            }

            File.Move(temp, path, overwrite: true);
        }
    }

    private static Dictionary<string, Entry> Read(string directory)
    {
        var path = Path.Combine(directory, ListName);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null)
            {
                return new Dictionary<string, Entry>(StringComparer.Ordinal);
            }

            var list = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path));
            return list is null ? new Dictionary<string, Entry>(StringComparer.Ordinal) : new Dictionary<string, Entry>(list, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return new Dictionary<string, Entry>(StringComparer.Ordinal);
        }
    }
}
