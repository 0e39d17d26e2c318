using System.Text.Json;
using SettingControl.Domain;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// The per-room output staff configured, persisted in one small JSON file beside the grain database
/// (<c>audio-outputs.json</c>) so it survives restarts without widening the room grain: output is
/// a property of the room's hardware, not of its session. Written atomically (temp file, then rename); in a cluster a
/// row of the shared database instead, read again when another node changed it.
/// </summary>
public sealed class AudioOutputStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true };

    private readonly IKeptDocument _document;
    private readonly Lock _lock = new();
    private Dictionary<string, AudioOutputSetting> _outputs;
    private long _version;

    public AudioOutputStore(string path)
        : this(new FileDocument(path))
    {
    }

    /// <param name="document">Where the outputs are kept: the data directory's file, or a cluster's shared row.</param>
    public AudioOutputStore(IKeptDocument document)
    {
        _document = document;
        (_outputs, _version) = Parse(document.Read());
    }

    public string? FilePath => (_document as FileDocument)?.Path;

    /// <summary>The room's output as last read: the cluster's row is read again by <see cref="Refresh"/>, not per call
    /// (a room's placement and every player ask, and a database round trip each would be on their path).</summary>
    public AudioOutputSetting? Get(string roomId)
    {
        lock (_lock)
        {
            return _outputs.GetValueOrDefault(roomId);
        }
    }

    /// <summary>The rooms whose stored output belongs to the node of that name.</summary>
    public IReadOnlyList<string> RoomsOn(string node)
    {
        lock (_lock)
        {
            return [.. _outputs.Where(o => o.Value.Node == node).Select(o => o.Key)];
        }
    }

    /// <exception cref="KeptDocumentConflictException">Another node changed an output at the same moment.</exception>
    public void Set(string roomId, AudioOutputSetting output)
    {
        lock (_lock)
        {
            ReadAgain();
            var next = new Dictionary<string, AudioOutputSetting>(_outputs) { [roomId] = output };
            _version = _document.TryWrite(JsonSerializer.Serialize(next, Json), _version) ?? throw new KeptDocumentConflictException("audio-outputs.json");
            _outputs = next;
        }
    }

    /// <summary>Takes what another node wrote; a file's version never moves, so a single node reads it once.</summary>
    public void Refresh()
    {
        lock (_lock)
        {
            ReadAgain();
        }
    }

    private void ReadAgain()
    {
        if (_document is FileDocument)
        {
            return;
        }

        var kept = _document.Read();
        if (kept.Version != _version)
        {
            (_outputs, _version) = Parse(kept);
        }
    }

    private static (Dictionary<string, AudioOutputSetting>, long) Parse(KeptText kept) =>
        (kept.Text is null ? [] : JsonSerializer.Deserialize<Dictionary<string, AudioOutputSetting>>(kept.Text, Json) ?? [], kept.Version);

    /// <summary>The outputs as a file of a single node, written atomically (temp file, then rename).</summary>
    private sealed class FileDocument(string path) : IKeptDocument
    {
        public string Path => path;

        public KeptText Read() => new(File.Exists(path) ? File.ReadAllText(path) : null, 0);

        public long? TryWrite(string text, long expectedVersion)
        {
            if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            var temp = path + ".tmp";
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
            return 0;
        }
    }
}
