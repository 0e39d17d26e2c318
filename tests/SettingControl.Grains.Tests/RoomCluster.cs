using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using Orleans.TestingHost;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;
using SettingControl.Grains;
using SettingControl.Grains.Rooms;
using SettingControl.Storage.Sqlite;

namespace SettingControl.Grains.Tests;

/// <summary>Records what the room grains asked the device link to send (the port's other side).</summary>
public sealed class RecordingDeviceCommands : IDeviceCommands
{
    public ConcurrentQueue<DeviceCommand> Sent { get; } = new();

    public ValueTask SendAsync(DeviceCommand command, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(command);
        return ValueTask.CompletedTask;
    }

    /// <summary>The batches the rooms sent together (<see cref="IDeviceCommands.SendAllAsync"/>), each also in <see cref="Sent"/>.</summary>
    public ConcurrentQueue<IReadOnlyList<DeviceCommand>> Batches { get; } = new();

    public ValueTask SendAllAsync(IReadOnlyList<DeviceCommand> commands, CancellationToken cancellationToken = default)
    {
        Batches.Enqueue(commands);
        foreach (var command in commands)
        {
            Sent.Enqueue(command);
        }

        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<DeviceCommand> For(string deviceId) => Sent.Where(c => c.DeviceId == deviceId).ToArray();
}

/// <summary>Records what the room grains asked the music player to do; knows the playlists "calm" and "drift".</summary>
public sealed class RecordingMusicPlayer : IMusicPlayer
{
    public ConcurrentQueue<(string RoomId, MusicSetting Music, bool Ducked)> Applied { get; } = new();

    public ConcurrentQueue<(string RoomId, int Direction)> Skipped { get; } = new();

    public bool HasPlaylist(string playlistId) => playlistId is "calm" or "drift";

    public void Apply(string roomId, MusicSetting music, bool ducked) => Applied.Enqueue((roomId, music, ducked));

    public void Skip(string roomId, int direction) => Skipped.Enqueue((roomId, direction));

    public ConcurrentQueue<string> Released { get; } = new();

    public void Release(string roomId) => Released.Enqueue(roomId);

    public MusicNowPlaying? NowPlaying(string roomId) =>
        Applied.LastOrDefault(a => a.RoomId == roomId) is { RoomId: not null } last
            ? new MusicNowPlaying(last.Music.PlaylistId, 0, "Track 1", 12.5, 300, last.Music.Volume, last.Music.Playing, last.Ducked, "none", "ok")
            : null;
}

/// <summary>
/// In-process silos (one, or two sharing the storage as a cluster's nodes share its database) whose grains persist to
/// a real SQLite file, which outlives the cluster.
/// </summary>
public sealed class RoomCluster : IAsyncDisposable
{
    private RoomCluster(InProcessTestCluster cluster, SqliteGrainStorage storage, RecordingDeviceCommands devices, RecordingMusicPlayer music)
    {
        Music = music;
        Cluster = cluster;
        Storage = storage;
        Devices = devices;
    }

    public InProcessTestCluster Cluster { get; }

    public SqliteGrainStorage Storage { get; }

    public RecordingDeviceCommands Devices { get; }

    public RecordingMusicPlayer Music { get; }

    public IGrainFactory Grains => Cluster.Client;

    /// <param name="silos">How many silos: two for a room that moves between them or outlives its silo.</param>
    public static async Task<RoomCluster> StartAsync(string databasePath, TimeProvider? time = null, int silos = 1)
    {
        var storage = new SqliteGrainStorage(databasePath, NullLogger<SqliteGrainStorage>.Instance);
        var devices = new RecordingDeviceCommands();
        var music = new RecordingMusicPlayer();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default, storage);
            silo.Services.AddSingleton<SettingControl.Contracts.Storage.IJournalReader>(storage);
            silo.Services.AddSingleton<IDeviceCommands>(devices);
            silo.Services.AddSingleton<IMusicPlayer>(music);
            silo.AddRoomPlacement();
            silo.Services.AddSingleton<TimeProvider>(time ?? TimeProvider.System);
            silo.Services.AddSingleton<SettingControl.Contracts.Storage.RoomsAheadOfStorage>();
            silo.Services.AddSingleton<SettingControl.Contracts.Storage.ILightsUpLatch>(new FileLightsUpLatch(databasePath + ".latch", NullLogger<FileLightsUpLatch>.Instance));
            silo.Services.AddSingleton<IBuiltInProtocols>(new RepositoryProtocols());
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new RoomCluster(cluster, storage, devices, music);
    }

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "settingcontrol-tests", $"grains-{Guid.NewGuid():N}.db");

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Storage.Dispose();
    }
}

/// <summary>The built-in protocol files of the repository, read the way the host reads them.</summary>
public sealed class RepositoryProtocols : IBuiltInProtocols
{
    public RepositoryProtocols()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SettingControl.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir!.FullName, "src", "SettingControl.Host", "protocols");
        All = Directory.EnumerateFiles(folder, "*.json").Select(f => ProtocolFormat.Read(File.ReadAllText(f)).Protocol!).ToArray();
    }

    public IReadOnlyList<Protocol> All { get; }
}
