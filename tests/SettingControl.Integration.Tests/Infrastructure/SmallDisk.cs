using System.Diagnostics;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// A real small file system (tmpfs) mounted for one test, so "the disk is full" and "the disk is read-only" are
/// what the kernel says, not an injected exception. Mounting needs root, which CI and ./test.sh on the project's
/// machines have; without it the test fails saying so (it never skips).
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(int megabytes, bool readOnly = false)
    {
        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal))
        {
            Assert.Fail("This test mounts a small tmpfs to make a real full or read-only disk: run it as root (CI and ./test.sh on the project's machines do).");
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "settingcontrol-tests", "disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755{(readOnly ? ",ro" : string.Empty)}", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes a filler file until the kernel says there is no space left; returns its path.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler.bin");
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // No space left on device: the disk is full, which is the point.
        }

        return filler;
    }

    public void Free() => File.Delete(System.IO.Path.Combine(Path, "filler.bin"));

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception)
        {
            // Best effort: a lazy unmount frees the memory once nothing holds the directory open.
        }
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error.Trim()}");
        }
    }
}
