using System.Text.Json;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// The per-room output staff configured, persisted in one small JSON file beside the grain database
/// (<c>audio-outputs.json</c>) so it survives restarts without widening the room grain: output is
/// a property of the room's hardware, not of its session. Written atomically (temp file, then rename).
/// </summary>
public sealed class AudioOutputStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true };

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AudioOutputSetting> _outputs;

    public AudioOutputStore(string path)
    {
        _path = path;
        _outputs = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, AudioOutputSetting>>(File.ReadAllText(path), Json) ?? []
            : [];
    }

    public string FilePath => _path;

    public AudioOutputSetting? Get(string roomId)
    {
        lock (_lock)
        {
            return _outputs.GetValueOrDefault(roomId);
        }
    }

    public void Set(string roomId, AudioOutputSetting output)
    {
        lock (_lock)
        {
            _outputs[roomId] = output;
            if (Path.GetDirectoryName(_path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            var temp = _path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(_outputs, Json));
            File.Move(temp, _path, overwrite: true);
        }
    }
}
