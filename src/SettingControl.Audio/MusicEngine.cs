using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.Audio.Chain;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Playlists;
using SettingControl.Domain;

namespace SettingControl.Audio;

/// <summary>
/// All rooms' players and the render clock: one background thread renders one block for every room
/// each block period, in real time by the monotonic clock (never on a grain thread). A room whose chain
/// throws is reported and keeps its clock; the engine never stops for one room.
/// Tests and the benchmark drive <see cref="RenderBlock"/> directly instead of starting the clock.
/// </summary>
public sealed class MusicEngine : IDisposable
{
    /// <summary>After a stall this long (a suspended VM), the clock jumps instead of rendering the backlog.</summary>
    private static readonly TimeSpan MaxBacklog = TimeSpan.FromSeconds(2);

    private readonly AudioOptions _options;
    private readonly Func<string, AudioOutputSetting> _outputOf;
    private readonly AudioOutputRules _outputRules;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RoomPlayer> _byId = new(StringComparer.Ordinal);
    private readonly Lock _roomsLock = new();
    private readonly ManualResetEventSlim _stop = new();
    private RoomPlayer[] _rooms = [];
    private readonly ConcurrentQueue<RoomPlayer> _retired = new();
    private Thread? _thread;
    private int _disposed;

    public MusicEngine(AudioOptions options, PlaylistCatalog catalog, Func<string, AudioOutputSetting> outputOf, AudioOutputRules outputRules, ILogger? logger = null)
    {
        _outputRules = outputRules;
        _options = options;
        Catalog = catalog;
        _outputOf = outputOf;
        _logger = logger ?? NullLogger.Instance;
        Format = AudioFormat.Float(options.SampleRate, 2);
        BlockFrames = Math.Max(16, options.SampleRate * options.BlockMilliseconds / 1000);
    }

    public PlaylistCatalog Catalog { get; }

    public WaveFormat Format { get; }

    public int BlockFrames { get; }

    public long BlocksRendered { get; private set; }

    /// <summary>Raised on the render thread with the room id when what <see cref="NowPlaying"/> says has changed.</summary>
    public event Action<string>? StatusChanged;

    public IReadOnlyList<RoomPlayer> Rooms => _rooms;

    public RoomPlayer Room(string roomId)
    {
        if (_byId.TryGetValue(roomId, out var existing))
        {
            return existing;
        }

        lock (_roomsLock)
        {
            if (_byId.TryGetValue(roomId, out existing))
            {
                return existing;
            }

            var player = new RoomPlayer(roomId, _options, Catalog, _outputOf(roomId), _outputRules, BlockFrames);
            player.Changed += p => StatusChanged?.Invoke(p.RoomId);
            player.ProblemReported += (p, message) => _logger.LogWarning("Music in {RoomId}: {Problem}", p.RoomId, message);
            if (player.NowPlaying().OutputState is var state && state.StartsWith("refused:", StringComparison.Ordinal))
            {
                // A stored or configured output that breaks the rules (docs/security.md): once per room, for operators.
                _logger.LogWarning("Audio output of {RoomId} {State}", roomId, state);
            }

            // Copy-on-write: the render thread walks a plain array, without locks or enumerator allocations.
            _rooms = [.. _rooms, player];
            _byId[roomId] = player;
            return player;
        }
    }

    /// <summary>
    /// The room's player stops and lets go of its output: the room moved to another node, whose engine plays it now.
    /// The render thread closes its output at its next block; a later <see cref="Room"/> here starts a new player.
    /// </summary>
    public void Release(string roomId)
    {
        lock (_roomsLock)
        {
            if (_byId.TryRemove(roomId, out var player))
            {
                _rooms = [.. _rooms.Where(p => !ReferenceEquals(p, player))];
                _retired.Enqueue(player);
            }
        }
    }

    /// <summary>The players of the rooms this engine plays now.</summary>
    public IEnumerable<RoomPlayer> Players => _byId.Values;

    public MusicNowPlaying? NowPlaying(string roomId) => _byId.TryGetValue(roomId, out var player) ? player.NowPlaying() : null;

    /// <summary>Renders one block for every room and writes it to the room's output.</summary>
    public void RenderBlock()
    {
        // Players released since the last block: this block's list no longer has them (a block under way when one
        // was released rendered it once more, to its still-open output), so their outputs close safely here.
        while (_retired.TryDequeue(out var retired))
        {
            retired.Dispose();
        }

        var rooms = _rooms;
        for (var i = 0; i < rooms.Length; i++)
        {
            try
            {
                rooms[i].Render();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Music in {RoomId}: rendering failed; the room renders silence for this block", rooms[i].RoomId);
                Array.Clear(rooms[i].Block);
            }
        }

        BlocksRendered++;
    }

    /// <summary>Starts the real-time render clock on its own thread.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            return;
        }

        _thread = new Thread(RunClock) { IsBackground = true, Name = "music-render-clock", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Set();
        _thread?.Join(TimeSpan.FromSeconds(5));
        foreach (var room in _rooms)
        {
            room.Dispose();
        }

        _stop.Dispose();
    }

    private void RunClock()
    {
        var clock = Stopwatch.StartNew();
        var blockSeconds = (double)BlockFrames / Format.SampleRate;
        var maxBacklogBlocks = (long)(MaxBacklog.TotalSeconds / blockSeconds);
        var wait = TimeSpan.FromSeconds(blockSeconds / 2);
        long rendered = 0;
        while (!_stop.IsSet)
        {
            // One block ahead of the wall clock, so an output always has the next block before it needs it.
            var due = (long)(clock.Elapsed.TotalSeconds / blockSeconds) + 1;
            if (due - rendered > maxBacklogBlocks)
            {
                _logger.LogWarning("Music render clock stalled for {Seconds:0.0} s; skipping ahead", (due - rendered) * blockSeconds);
                rendered = due - 1;
            }

            while (rendered < due && !_stop.IsSet)
            {
                RenderBlock();
                rendered++;
            }

            _stop.Wait(wait);
        }
    }
}
