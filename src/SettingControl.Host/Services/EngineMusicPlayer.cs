using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SettingControl.Audio;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Playlists;
using SettingControl.Audio.Sources;
using SettingControl.Contracts;
using SettingControl.Domain;
using SettingControl.Grains.Rooms;

namespace SettingControl.Host.Services;

/// <summary>
/// The adapter between the room grains and the audio engine: implements the domain's
/// <see cref="IMusicPlayer"/> port (calls return at once; the engine fades on its own clock), lists
/// playlists for the API, and keeps each room's configured output (persisted in the data directory).
/// What the engine reports as changed is queued for <see cref="MusicStatusForwarder"/> to tell the grain.
/// </summary>
public sealed class EngineMusicPlayer : IMusicPlayer, IPlaylistCatalog, IMusicOutputNodes, IDisposable
{
    private const string AudioOutputsFile = "audio-outputs.json";

    private readonly AudioOptions _options;
    private readonly AudioOutputStore _outputs;
    private readonly Channel<string> _changed = Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });

    public EngineMusicPlayer(IOptions<AudioOptions> options, IOptions<StorageOptions> storage, IHostEnvironment environment, ILoggerFactory loggers, IKeptDocuments? shared = null, ILocalSiloDetails? self = null, IConfiguration? configuration = null)
    {
        _options = options.Value;
        var directory = Path.IsPathFullyQualified(_options.PlaylistDirectory)
            ? _options.PlaylistDirectory
            : Path.Combine(environment.ContentRootPath, _options.PlaylistDirectory);
        Catalog = new PlaylistCatalog(directory, new FfmpegTools(_options.FfmpegPath, _options.FfprobePath), loggers.CreateLogger<PlaylistCatalog>());
        _outputs = shared is null
            ? new AudioOutputStore(Path.Combine(storage.Value.DataDirectory, AudioOutputsFile))
            : new AudioOutputStore(shared.Open(AudioOutputsFile));
        OutputRules = new AudioOutputRules(
            string.IsNullOrWhiteSpace(_options.FileOutputDirectory) ? Path.Combine(storage.Value.DataDirectory, "audio") : _options.FileOutputDirectory,
            // Only a cluster's nodes tell their outputs apart: a single node plays whatever it stores, whatever its name.
            thisNode: configuration is not null && ClusterProviders.IsPostgreSql(configuration) ? self?.Name : null);
        Engine = new MusicEngine(_options, Catalog, OutputOf, OutputRules, loggers.CreateLogger<MusicEngine>());
        Engine.StatusChanged += roomId => _changed.Writer.TryWrite(roomId);
    }

    public MusicEngine Engine { get; }

    public PlaylistCatalog Catalog { get; }

    /// <summary>What an output may be; the API checks a new setting with it, the engine every setting it opens.</summary>
    public AudioOutputRules OutputRules { get; }

    /// <summary>Rooms whose music status changed, for the forwarder.</summary>
    public ChannelReader<string> Changed => _changed.Reader;

    public IReadOnlyList<PlaylistDto> List() =>
        [.. Catalog.All.Select(p => new PlaylistDto(
            p.Id,
            p.Title,
            p.Description,
            p.SuitsPhases,
            [.. p.Tracks.Select(t => new PlaylistTrackDto(t.Title, t.DurationSeconds ?? 0, t.GainDb, t.Source, t.Error))],
            p.TotalSeconds))];

    public bool HasPlaylist(string playlistId) => Catalog.Find(playlistId) is not null;

    public void Apply(string roomId, MusicSetting music, bool ducked) => Engine.Room(roomId).Apply(music, ducked);

    public void Skip(string roomId, int direction) => Engine.Room(roomId).Skip(direction);

    /// <summary>Every provisioned room gets a player when first shown, so its output state (e.g. ALSA unavailable) is visible before any music plays.</summary>
    public MusicNowPlaying? NowPlaying(string roomId) => Engine.Room(roomId).NowPlaying();

    /// <summary>The room's output as stored (staff's, or the <c>Audio:DefaultOutput</c>); the engine checks it again before opening it.</summary>
    public AudioOutputSetting OutputOf(string roomId) => _outputs.Get(roomId) ?? AudioOutputSetting.FromConfig(_options.DefaultOutput, roomId);

    /// <summary>Whether the output was set by staff (true) or is the configured default.</summary>
    public bool IsConfigured(string roomId) => _outputs.Get(roomId) is not null;

    public void Release(string roomId) => Engine.Release(roomId);

    /// <summary>The room's Snapcast speakers as its output last heard from the server: empty while it is not open here.</summary>
    public IReadOnlyList<SnapcastSpeaker> SpeakersOf(string roomId) => (Engine.Room(roomId).Output as SnapcastOutput)?.Clients ?? [];

    public string? NodeFor(string roomId) => OutputOf(roomId).Node;

    /// <summary>The rooms whose output staff put on the node of that name.</summary>
    public IReadOnlyList<string> RoomsWithOutputOn(string node) => _outputs.RoomsOn(node);

    public void SetOutput(string roomId, AudioOutputSetting output)
    {
        _outputs.Set(roomId, output);
        ApplyStoredOutputs();
    }

    /// <summary>
    /// Switches every room playing here to its stored output where that changed: at once for a change made through
    /// this node, within the cluster watcher's next read for one made through another.
    /// </summary>
    public void ApplyStoredOutputs()
    {
        // One at a time: the watcher's tick and staff's requests must not both switch a player (closing and reopening its output twice).
        lock (_applying)
        {
            _outputs.Refresh();
            foreach (var player in Engine.Players)
            {
                var stored = OutputOf(player.RoomId);
                if (player.RequestedOutput != stored)
                {
                    player.SetOutput(stored);
                }
            }
        }
    }

    private readonly Lock _applying = new();

    public void Dispose() => Engine.Dispose();
}
