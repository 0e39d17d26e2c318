using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SettingControl.Contracts.Storage;

namespace SettingControl.Storage.Sqlite;

/// <summary>
/// <see cref="ILightsUpLatch"/> as one fixed-size file beside the database. It is written full length when first
/// made (while the disk has room) and afterwards only overwritten in place, padded with spaces, then flushed to the
/// disk: no write after the first needs a new block, so a full disk cannot refuse it.
/// </summary>
public sealed class FileLightsUpLatch : ILightsUpLatch
{
    /// <summary>About 2,000 rooms' entries; the file never grows past it.</summary>
    public const int FileBytes = 256 * 1024;

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, LatchedLightsUp> _held;
    private bool _usable;

    public FileLightsUpLatch(string path, ILogger<FileLightsUpLatch> logger)
    {
        _path = Path.GetFullPath(path);
        _logger = logger;
        _held = Load();
    }

    public bool Hold(string roomId, LatchedLightsUp lightsUp)
    {
        lock (_gate)
        {
            _held[roomId] = lightsUp;
            return Save();
        }
    }

    public void Release(string roomId)
    {
        lock (_gate)
        {
            if (_held.Remove(roomId))
            {
                Save();
            }
        }
    }

    public LatchedLightsUp? Find(string roomId)
    {
        lock (_gate)
        {
            return _held.GetValueOrDefault(roomId);
        }
    }

    private Dictionary<string, LatchedLightsUp> Load()
    {
        try
        {
            if (!File.Exists(_path))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var created = new FileStream(_path, options);
                created.Write(Padded("{}"));
                created.Flush(flushToDisk: true);
                _usable = true;
                return new Dictionary<string, LatchedLightsUp>(StringComparer.Ordinal);
            }

            var text = File.ReadAllText(_path).Trim();
            _usable = new FileInfo(_path).Length == FileBytes;
            return JsonSerializer.Deserialize<Dictionary<string, LatchedLightsUp>>(text.Length == 0 ? "{}" : text, StorageJson.Options) is { } held
                ? new Dictionary<string, LatchedLightsUp>(held, StringComparer.Ordinal)
                : new Dictionary<string, LatchedLightsUp>(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            _logger.LogError(ex, "The Lights up latch {Path} cannot be used; an unsaved Lights up will not survive a crash", _path);
            return new Dictionary<string, LatchedLightsUp>(StringComparer.Ordinal);
        }
    }

    private bool Save()
    {
        if (!_usable)
        {
            return false;
        }

        try
        {
            var bytes = Padded(JsonSerializer.Serialize(_held, StorageJson.Options));
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 1);
            file.Write(bytes);
            file.Flush(flushToDisk: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _logger.LogError(ex, "The Lights up latch {Path} could not be written", _path);
            return false;
        }
    }

    private static byte[] Padded(string json)
    {
        var bytes = new byte[FileBytes];
        Array.Fill(bytes, (byte)' ');
        var written = Encoding.UTF8.GetBytes(json);
        if (written.Length >= FileBytes)
        {
            throw new InvalidOperationException($"The Lights up latch holds more than {FileBytes} bytes of rooms.");
        }

        written.CopyTo(bytes, 0);
        return bytes;
    }
}
