using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// Starts the music engine's render clock and tells a room's grain when its music status changed (track,
/// playing, output state, position every few seconds), so RoomChanged carries NowPlaying to dashboards.
/// The engine's render thread only queues room ids; the grain calls happen here.
/// </summary>
public sealed class MusicStatusForwarder(EngineMusicPlayer music, IGrainFactory grains, ILogger<MusicStatusForwarder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        music.Engine.Start();
        logger.LogInformation("Music engine running: playlists from {Directory}, {Count} playlists", music.Catalog.Directory, music.Catalog.All.Count);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await music.Changed.WaitToReadAsync(stoppingToken))
            {
                // Coalesce: one notification per room however many changes queued meanwhile.
                while (music.Changed.TryRead(out var roomId))
                {
                    pending.Add(roomId);
                }

                foreach (var roomId in pending)
                {
                    try
                    {
                        await grains.GetGrain<IRoomGrain>(roomId).OnMusicStatusChanged();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogDebug(ex, "Music status for {RoomId} not delivered", roomId);
                    }
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        music.Engine.Dispose();
    }
}
