using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// Writes a 32-bit float WAV with NAudio's <see cref="WaveFileWriter"/>, valid whenever a reader opens it: after every
/// block the data is flushed first and only then does the writer update the RIFF, fact and data sizes, so the header
/// never claims more than the file holds. RIFF sizes are 32-bit: at 48 kHz stereo float a file holds about 3 h 6 min,
/// after which the output reports itself full and stops writing (the room plays on). What is ours is where the file
/// may be and whose it is (<see cref="Open"/>), and the lock that keeps a reader from seeing half an update.
/// </summary>
public sealed class WavFileOutput : IAudioOutput
{
    /// <summary>A float WAV's header as NAudio writes it: RIFF, fmt with cbSize, fact, data.</summary>
    private const int HeaderBytes = 58;

    private readonly WaveFormat _format;
    private readonly FileStream? _file;
    private readonly WaveFileWriter? _writer;
    private long _dataBytes;
    private string _state = "ok";

    /// <summary>
    /// Opens <paramref name="fileName"/> (a bare name, <see cref="WavFileName"/>) inside
    /// <paramref name="directory"/>, the one folder file outputs may write to. Creates that folder if its
    /// parent exists (and no other folder); never follows a symlink; creates a new file with O_EXCL, or
    /// truncates an existing one only if SettingControl made it (<see cref="OwnedWavFiles"/>). Anything
    /// else leaves the output "refused: …" or "unavailable: …", writing nothing.
    /// </summary>
    public WavFileOutput(string directory, string fileName, WaveFormat format)
    {
        _format = format;
        Description = $"file:{fileName}";
        if (WavFileName.RefusalOf(fileName) is { } refusal)
        {
            _state = $"refused: {refusal}";
            return;
        }

        try
        {
            _file = Open(directory, fileName, out var problem);
            if (_file is null)
            {
                _state = problem;
                return;
            }

            _writer = new WaveFileWriter(_file, format);
            _writer.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or PlatformNotSupportedException)
        {
            _state = $"unavailable: cannot write '{fileName}' in the audio output folder: {ex.Message}";
            _file?.Dispose();
            _file = null;
            _writer = null;
        }
    }

    /// <summary>
    /// Why an existing entry under the name may not be used (a symlink, not a regular file, a file
    /// SettingControl did not make), or null when there is none or it is ours. Lets staff hear it when they
    /// choose the name; opening checks it again on the opened descriptor, which is what makes it safe.
    /// </summary>
    public static string? RefusalOfExisting(string directory, string fileName)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var path = Path.Combine(directory, fileName);
        if (new FileInfo(path).LinkTarget is not null)
        {
            return SymbolicLinkRefusal(fileName);
        }

        if (Directory.Exists(path))
        {
            return $"'{fileName}' in the audio output folder is a folder, not a file.";
        }

        if (!File.Exists(path))
        {
            return null;
        }

        // Opening for writing without O_TRUNC changes nothing; O_NONBLOCK keeps a FIFO from blocking.
        var (handle, errno) = UnixFiles.OpenForWriting(path, createNew: false);
        if (handle is null)
        {
            return errno == UnixFiles.NoSuchFile ? null : errno == UnixFiles.SymbolicLink ? SymbolicLinkRefusal(fileName) : ForeignFileRefusal(fileName);
        }

        using (handle)
        {
            return OwnedWavFiles.IsOurs(directory, fileName, UnixFiles.IdentityOf(handle)) ? null : ForeignFileRefusal(fileName);
        }
    }

    private static string SymbolicLinkRefusal(string fileName) =>
        $"'{fileName}' in the audio output folder is a symbolic link; links are not followed.";

    private static string ForeignFileRefusal(string fileName) =>
        $"'{fileName}' already exists in the audio output folder and was not made by SettingControl, so it is left untouched; choose another name or remove that file.";

    private static FileStream? Open(string directory, string fileName, out string problem)
    {
        if (OperatingSystem.IsWindows())
        {
            // The checks below (O_NOFOLLOW, inode identity) are POSIX; without them nothing is written.
            problem = "unavailable: file outputs need Linux";
            return null;
        }

        if (!Directory.Exists(directory))
        {
            if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) is not { } parent || !Directory.Exists(parent))
            {
                problem = $"unavailable: the audio output folder '{directory}' does not exist, nor does the folder it would be created in";
                return null;
            }

            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(directory, fileName);
        var (handle, errno) = UnixFiles.OpenForWriting(path, createNew: true);
        if (handle is not null)
        {
            try
            {
                OwnedWavFiles.Add(directory, fileName, UnixFiles.IdentityOf(handle));
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            problem = string.Empty;
            return new FileStream(handle, FileAccess.Write, 1 << 16);
        }

        if (errno != UnixFiles.Exists)
        {
            problem = $"unavailable: cannot create '{fileName}' in the audio output folder (errno {errno})";
            return null;
        }

        // The name is taken. Opening without O_TRUNC changes nothing, so the file can be looked at through
        // its own descriptor (no gap between a check and the open) before it is truncated, or left alone.
        (handle, errno) = UnixFiles.OpenForWriting(path, createNew: false);
        if (handle is null)
        {
            problem = errno == UnixFiles.SymbolicLink
                ? $"refused: {SymbolicLinkRefusal(fileName)}"
                : $"unavailable: cannot open '{fileName}' in the audio output folder (errno {errno})";
            return null;
        }

        bool ours;
        try
        {
            ours = OwnedWavFiles.IsOurs(directory, fileName, UnixFiles.IdentityOf(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        if (!ours)
        {
            handle.Dispose();
            problem = $"refused: {ForeignFileRefusal(fileName)}";
            return null;
        }

        var stream = new FileStream(handle, FileAccess.Write, 1 << 16);
        try
        {
            stream.SetLength(0);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        problem = string.Empty;
        return stream;
    }

    public string Description { get; }

    public string State => _state;

    public long FramesWritten => _dataBytes / (4 * _format.Channels);

    /// <summary>The header NAudio writes for an empty file of this format (what a reader meets before the first block).</summary>
    public static byte[] EmptyFileHeader(WaveFormat format)
    {
        using var memory = new MemoryStream();
        new WaveFileWriter(memory, format).Dispose(); // a caller's stream is left open
        return memory.ToArray();
    }

    public void Write(ReadOnlySpan<float> samples)
    {
        if (_file is null || _writer is null)
        {
            return;
        }

        var bytes = MemoryMarshal.AsBytes(samples);
        if (HeaderBytes + _dataBytes + bytes.Length > uint.MaxValue)
        {
            _state = "unavailable: the WAV file reached its 4 GB size limit";
            return;
        }

        try
        {
            _writer.Write(bytes);
            _file.Flush();
            _dataBytes += bytes.Length;

            // The writer updates the RIFF, fact and data sizes in three writes, and the kernel does not make a
            // read atomic against a write anyway: a reader that takes a shared lock on the header
            // (LockHeaderForReading) therefore never meets an update half done; one that does not can at worst
            // see sizes of two successive blocks, each of which the file already holds.
            using (OperatingSystem.IsWindows() ? null : UnixFiles.LockStart(_file.SafeFileHandle, HeaderBytes, exclusive: true))
            {
                _writer.Flush();
            }
        }
        catch (IOException ex)
        {
            _state = $"unavailable: writing failed: {ex.Message}";
        }
    }

    /// <summary>
    /// For a reader that follows the file while it grows: holds a shared lock on the header of the file
    /// <paramref name="reading"/> is open on, so the three sizes it reads are of one moment. Hold it only
    /// for the header read; the writer waits for it.
    /// </summary>
    public static IDisposable? LockHeaderForReading(SafeFileHandle reading) =>
        OperatingSystem.IsWindows() ? null : UnixFiles.LockStart(reading, HeaderBytes, exclusive: false);

    public void Dispose()
    {
        try
        {
            _writer?.Dispose();
        }
        catch (IOException)
        {
            // The disk is full or gone: the header already holds the last block that was written.
        }

        _file?.Dispose();
    }
}
