using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.Audio.Chain;
using SettingControl.Audio.Sources;
using SettingControl.Domain;

namespace SettingControl.Audio.Playlists;

/// <summary>
/// Loads <c>*.json</c> playlists from a folder staff can edit (docs/audio.md), validates them and
/// measures every track. A missing or unreadable track stays in the list with its error and is skipped
/// when played; a file that is not a valid playlist is left out and reported in <see cref="Problems"/>.
/// Nothing here is fatal. The folder is re-read when a file changes (checked at most every 2 s).
/// </summary>
public sealed class PlaylistCatalog
{
    private static readonly TimeSpan RescanAfter = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly FfmpegTools _tools;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTime Written, long Length, double? Seconds, string? Error)> _probes = new(StringComparer.Ordinal);
    private Dictionary<string, Playlist> _playlists = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _problems = [];
    private string _fingerprint = string.Empty;
    private DateTime _scannedAt = DateTime.MinValue;

    public PlaylistCatalog(string directory, FfmpegTools tools, ILogger? logger = null)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        _tools = tools;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Directory { get; }

    public FfmpegTools Tools => _tools;

    public IReadOnlyList<Playlist> All
    {
        get
        {
            Refresh();
            lock (_lock)
            {
                return [.. _playlists.Values.OrderBy(p => p.Id, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Playlist files that could not be read at all, with why.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            Refresh();
            return _problems;
        }
    }

    public Playlist? Find(string playlistId)
    {
        Refresh();
        lock (_lock)
        {
            return _playlists.GetValueOrDefault(playlistId);
        }
    }

    public void Refresh(bool force = false)
    {
        lock (_lock)
        {
            var now = DateTime.UtcNow;
            if (!force && now - _scannedAt < RescanAfter)
            {
                return;
            }

            _scannedAt = now;
            var files = System.IO.Directory.Exists(Directory)
                ? System.IO.Directory.EnumerateFiles(Directory, "*.json").Order(StringComparer.Ordinal).ToArray()
                : [];
            var fingerprint = string.Join('|', files.Select(f => $"{f}:{File.GetLastWriteTimeUtc(f).Ticks}"));
            if (!force && fingerprint == _fingerprint)
            {
                return;
            }

            _fingerprint = fingerprint;
            var playlists = new Dictionary<string, Playlist>(StringComparer.Ordinal);
            var problems = new List<string>();
            if (files.Length == 0)
            {
                problems.Add($"no playlists in '{Directory}'");
            }

            foreach (var file in files)
            {
                var (playlist, error) = Load(file);
                if (playlist is null)
                {
                    problems.Add($"{System.IO.Path.GetFileName(file)}: {error}");
                    continue;
                }

                playlists[playlist.Id] = playlist;
                foreach (var track in playlist.Tracks.Where(t => t.Error is not null))
                {
                    problems.Add($"{playlist.Id}: track '{track.Title}' will be skipped: {track.Error}");
                }
            }

            foreach (var problem in problems)
            {
                _logger.LogWarning("Playlists: {Problem}", problem);
            }

            _playlists = playlists;
            _problems = problems;
        }
    }

    /// <summary>Reads one playlist file; the playlist, or why the file is not one.</summary>
    public (Playlist? Playlist, string? Error) Load(string file)
    {
        var id = System.IO.Path.GetFileNameWithoutExtension(file);
        if (!Identifiers.IsValid(id))
        {
            return (null, "the file name is the playlist id: use a-z, 0-9, '-' and '_' only.");
        }

        PlaylistFile? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<PlaylistFile>(File.ReadAllText(file), Json);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return (null, $"not a valid playlist: {ex.Message}");
        }

        if (parsed is null || string.IsNullOrWhiteSpace(parsed.Title))
        {
            return (null, "'title' is required.");
        }

        if (parsed.Tracks is not { Count: > 0 })
        {
            return (null, "'tracks' must list at least one track.");
        }

        var folder = System.IO.Path.GetDirectoryName(file)!;
        var tracks = parsed.Tracks.Select((t, i) => Resolve(t, i, folder)).ToList();
        return (new Playlist(id, parsed.Title.Trim(), parsed.Description, parsed.SuitsPhases ?? [], tracks), null);
    }

    private PlaylistTrack Resolve(TrackFile track, int index, string folder)
    {
        var title = string.IsNullOrWhiteSpace(track.Title) ? $"Track {index + 1}" : track.Title.Trim();
        var source = track.Source?.Trim() ?? string.Empty;
        var gain = track.GainDb ?? 0;
        if (gain is < -40 or > 12)
        {
            return new PlaylistTrack(title, source, 0, TrackKind.Generator, null, null, $"gainDb must be between -40 and +12; got {gain}.");
        }

        if (source.Length == 0)
        {
            return new PlaylistTrack(title, source, gain, TrackKind.Generator, null, null, "'source' is required.");
        }

        if (GeneratorSpec.IsGenerator(source))
        {
            var (spec, error) = GeneratorSpec.Parse(source);
            return new PlaylistTrack(title, source, gain, TrackKind.Generator, null, spec?.Seconds, error);
        }

        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, source));
        var kind = KindOf(path);
        var (seconds, problem) = Measure(path, kind);
        return new PlaylistTrack(title, source, gain, kind, path, seconds, problem);
    }

    private (double? Seconds, string? Error) Measure(string path, TrackKind kind)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return (null, $"file not found: {path}");
        }

        if (_probes.TryGetValue(path, out var cached) && cached.Written == info.LastWriteTimeUtc && cached.Length == info.Length)
        {
            return (cached.Seconds, cached.Error);
        }

        (double? Seconds, string? Error) result;
        try
        {
            result = kind switch
            {
                TrackKind.Wav => Seconds(WavReader.Open(path), wav => wav.LengthFrames),
                TrackKind.Mp3 => Seconds(Mp3Decoder.Open(path), mp3 => mp3.LengthFrames),
                TrackKind.Ogg => TryVorbisSeconds(path) ?? _tools.ProbeSeconds(path),
                _ => _tools.ProbeSeconds(path),
            };
        }
        catch (AudioSourceException ex)
        {
            result = (null, ex.Message.StartsWith("unreadable:", StringComparison.Ordinal) ? ex.Message : $"unreadable: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result = (null, $"unreadable: {ex.Message}");
        }

        _probes[path] = (info.LastWriteTimeUtc, info.Length, result.Seconds, result.Error);
        return result;
    }

    /// <summary>The decoder a file's extension calls for.</summary>
    internal static TrackKind KindOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".wav" => TrackKind.Wav,
        ".mp3" => TrackKind.Mp3,
        ".ogg" or ".oga" => TrackKind.Ogg,
        _ => TrackKind.Ffmpeg,
    };

    private static (double? Seconds, string? Error) Seconds<T>(T decoder, Func<T, long> lengthOf)
        where T : ISampleProvider, IDisposable
    {
        using (decoder)
        {
            return (decoder.WaveFormat.SecondsOf(lengthOf(decoder)), null);
        }
    }

    /// <summary>An Ogg file's length when it is Vorbis; null when it holds something else (ffprobe measures that).</summary>
    private static (double? Seconds, string? Error)? TryVorbisSeconds(string path)
    {
        try
        {
            return Seconds(VorbisDecoder.Open(path), vorbis => vorbis.LengthFrames);
        }
        catch (AudioSourceException)
        {
            return null;
        }
    }

    private sealed record PlaylistFile(string? Title, string? Description, List<string>? SuitsPhases, List<TrackFile>? Tracks);

    private sealed record TrackFile(string? Title, string? Source, double? GainDb);
}
