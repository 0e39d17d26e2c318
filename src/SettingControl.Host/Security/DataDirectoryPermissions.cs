using System.Runtime.Versioning;
using Microsoft.Extensions.Options;

namespace SettingControl.Host.Security;

/// <summary>
/// The data directory holds password and key hashes, session notes and broker secrets: it is the host
/// user's alone. At start (before the broker and the silo touch it) the directory and its subdirectories
/// become 0700 and the files in them 0600; the database file is created 0600 before SQLite opens it,
/// because SQLite gives its -wal and -shm files the database file's mode. Once the host has started, the
/// files made during start (credentials, data-protection keys, -wal, -shm) are checked again. A file
/// made later is inside a 0700 directory. Nothing to do on Windows (ACLs, not modes).
/// </summary>
public sealed class DataDirectoryPermissions(
    IOptions<StorageOptions> storage,
    IConfiguration config,
    IHostApplicationLifetime lifetime,
    ILogger<DataDirectoryPermissions> logger) : IHostedService
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return Task.CompletedTask;
        }

        var directory = Path.GetFullPath(storage.Value.DataDirectory);
        try
        {
            Directory.CreateDirectory(directory, DirectoryMode);
            var database = Path.GetFullPath(storage.Value.DatabasePath);
            // A node of a PostgreSQL cluster stores its grains in the database and has no SQLite file to prepare.
            if (!ClusterProviders.IsPostgreSql(config) && !File.Exists(database))
            {
                // An empty file is a valid, empty SQLite database; created here, it is 0600 from its first moment.
                using var created = new FileStream(database, new FileStreamOptions
                {
                    Mode = System.IO.FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = FileMode,
                });
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Storage reports an unusable data directory when it opens the database; this only tightens modes.
            logger.LogWarning("Could not prepare the data directory {Directory}: {Reason}", directory, ex.Message);
            return Task.CompletedTask;
        }

        Secure(directory);
        lifetime.ApplicationStarted.Register(() =>
        {
            if (!OperatingSystem.IsWindows())
            {
                Secure(directory);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [UnsupportedOSPlatform("windows")]
    private void Secure(string directory)
    {
        try
        {
            SetMode(directory, DirectoryMode, isDirectory: true);
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions
            {
                RecurseSubdirectories = true,
                AttributesToSkip = FileAttributes.ReparsePoint,
                IgnoreInaccessible = true,
            }))
            {
                SetMode(entry.FullName, entry is DirectoryInfo ? DirectoryMode : FileMode, entry is DirectoryInfo);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not restrict the data directory {Directory} to its owner: {Reason}", directory, ex.Message);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void SetMode(string path, UnixFileMode mode, bool isDirectory)
    {
        var current = isDirectory ? new DirectoryInfo(path).UnixFileMode : File.GetUnixFileMode(path);
        if (current != mode)
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
