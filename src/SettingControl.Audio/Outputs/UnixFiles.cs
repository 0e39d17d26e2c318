using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// The few POSIX calls the WAV file output needs and .NET does not expose: <c>open</c> with
/// <c>O_NOFOLLOW</c> (a symlink in the output folder is refused by the kernel, with no window between a
/// check and the open) and <c>statx</c> on the opened descriptor (what file it really is: type, link
/// count, device, inode and birth time). statx's structure is the same on every Linux architecture, unlike stat's.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static partial class UnixFiles
{
    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OExclusive = 0x80;
    private const int ONonBlocking = 0x800;
    private const int OCloseOnExec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStatsAndBirth = 0xfff;
    private const uint StatxBirthTime = 0x800;
    private const int GetFlags = 3;
    private const int SetFlags = 4;
    private const int StatxSize = 256;
    private const ushort TypeMask = 0xF000;
    private const ushort RegularFile = 0x8000;

    /// <summary>ENOENT, EEXIST, ELOOP: what the output tells apart.</summary>
    public const int NoSuchFile = 2;
    public const int Exists = 17;
    public const int SymbolicLink = 40;

    /// <summary>O_NOFOLLOW differs between architectures (it is one of the few open flags that does).</summary>
    private static int NoFollow => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x20000,
        Architecture.Arm64 or Architecture.Arm => 0x8000,
        var other => throw new PlatformNotSupportedException($"O_NOFOLLOW is not known for {other}"),
    };

    /// <summary>
    /// The identity of an opened file: device, inode and birth time (an inode number is reused at once for
    /// the next file made after a delete; its birth time is not), and whether it may be written as ours.
    /// Birth is 0 where the file system does not record it.
    /// </summary>
    public readonly record struct Identity(ulong Device, ulong Inode, long BirthSeconds, uint BirthNanoseconds, bool IsRegular, uint Links);

    /// <summary>
    /// Opens for writing without following a symlink and without truncating. <paramref name="createNew"/>
    /// adds O_CREAT|O_EXCL (mode 0600): it fails if anything, even a dangling symlink, has the name.
    /// O_NONBLOCK keeps a FIFO planted under the name from blocking the render thread (it has no effect on
    /// regular files). Returns the errno on failure.
    /// </summary>
    public static (SafeFileHandle? Handle, int Errno) OpenForWriting(string path, bool createNew)
    {
        var flags = OWriteOnly | OCloseOnExec | ONonBlocking | NoFollow | (createNew ? OCreate | OExclusive : 0);
        var fd = open(path, flags, 0b110_000_000);
        if (fd < 0)
        {
            return (null, Marshal.GetLastPInvokeError());
        }

        // Back to blocking once open: .NET takes an O_NONBLOCK descriptor for an asynchronous one, and the
        // WAV output relies on plain synchronous writes (its header update is one write).
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var current = fcntl(fd, GetFlags, 0);
        if (current < 0 || fcntl(fd, SetFlags, current & ~ONonBlocking) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            return (null, errno);
        }

        return (handle, 0);
    }

    public static Identity IdentityOf(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        int rc;
        unsafe
        {
            fixed (byte* b = buffer)
            {
                rc = statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxBasicStatsAndBirth, b);
            }
        }

        if (rc < 0)
        {
            throw new IOException($"statx failed (errno {Marshal.GetLastPInvokeError()})");
        }

        var hasBirth = (BitConverter.ToUInt32(buffer) & StatxBirthTime) != 0;
        var links = BitConverter.ToUInt32(buffer[16..]);
        var mode = BitConverter.ToUInt16(buffer[28..]);
        var inode = BitConverter.ToUInt64(buffer[32..]);
        var device = ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..]);
        var birthSeconds = hasBirth ? BitConverter.ToInt64(buffer[80..]) : 0;
        var birthNanoseconds = hasBirth ? BitConverter.ToUInt32(buffer[88..]) : 0;
        return new Identity(device, inode, birthSeconds, birthNanoseconds, (mode & TypeMask) == RegularFile, links);
    }

    /// <summary>
    /// Holds an open-file-description lock (F_OFD_SETLKW) on the first <paramref name="length"/> bytes
    /// until disposed: shared for a reader, exclusive for the writer. OFD locks belong to the descriptor,
    /// not the process, so a reader and the writer in one process exclude each other too, and they never
    /// meet .NET's own whole-file flock. Returns null where the lock cannot be had (the caller goes on
    /// without it rather than stop the audio).
    /// </summary>
    public static HeaderLock? LockStart(SafeFileHandle handle, int length, bool exclusive)
    {
        var range = new FileRangeLock { Type = exclusive ? WriteLock : ReadLock, Whence = 0, Start = 0, Length = length };
        int rc;
        do
        {
            rc = fcntl((int)handle.DangerousGetHandle(), SetOpenFileLockAndWait, ref range);
        }
        while (rc < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return rc < 0 ? null : new HeaderLock(handle, length);
    }

    /// <summary>Releases the range lock taken by <see cref="LockStart"/>.</summary>
    public sealed class HeaderLock(SafeFileHandle handle, int length) : IDisposable
    {
        public void Dispose()
        {
            var range = new FileRangeLock { Type = Unlocked, Whence = 0, Start = 0, Length = length };
            _ = fcntl((int)handle.DangerousGetHandle(), SetOpenFileLock, ref range);
        }
    }

    private const int SetOpenFileLock = 37;
    private const int SetOpenFileLockAndWait = 38;
    private const int Interrupted = 4;
    private const short ReadLock = 0;
    private const short WriteLock = 1;
    private const short Unlocked = 2;

    /// <summary>struct flock as the 64-bit Linux ABIs lay it out; l_pid must be 0 for OFD locks.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileRangeLock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int ProcessId;
    }

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int fcntl(int fd, int command, ref FileRangeLock range);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
