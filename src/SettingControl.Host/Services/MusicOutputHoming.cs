using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// In a cluster, brings home the rooms whose audio output is on this node: at start, and again every 10 s, since a
/// room that lost this node went to a survivor and stays there until moved, and a peer may see this node up only a
/// moment after it does. Moving a room that is already here does nothing.
/// </summary>
public sealed class MusicOutputHoming(EngineMusicPlayer music, IGrainFactory grains, ILocalSiloDetails self, ILogger<MusicOutputHoming> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            do
            {
                foreach (var roomId in music.RoomsWithOutputOn(self.Name))
                {
                    try
                    {
                        await grains.GetGrain<IRoomGrain>(roomId).MoveToNode(self.Name);
                    }
                    catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
                    {
                        // The room plays where it is until the next round; a failed move loses nothing.
                        logger.LogWarning(failure, "Bringing room {RoomId} to this node, where its music output is, failed", roomId);
                    }
                }

                await Task.Delay(Every, stoppingToken);
            }
            while (!stoppingToken.IsCancellationRequested);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
