namespace SettingControl.Domain;

/// <summary>
/// The outbound port to the devices. The MQTT adapter implements it; the room grain only says what
/// a device should show. Sending is queued: it returns once the command is accepted for delivery.
/// </summary>
public interface IDeviceCommands
{
    ValueTask SendAsync(DeviceCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commands a room decided together (one scene for all its lights, Lights up). A link may carry several of them
    /// in one broadcast where the devices form a group and are told the same (a Zigbee2MQTT group's one <c>/set</c>,
    /// far lighter on a Zigbee network than a unicast per bulb); without groups they go one by one.
    /// </summary>
    async ValueTask SendAllAsync(IReadOnlyList<DeviceCommand> commands, CancellationToken cancellationToken = default)
    {
        foreach (var command in commands)
        {
            await SendAsync(command, cancellationToken);
        }
    }
}

/// <summary>
/// The outbound port to the music: one player per room, driven by the room's desired music. The audio
/// adapter implements it; calls return at once (the engine fades and crossfades on its own clock).
/// </summary>
public interface IMusicPlayer
{
    bool HasPlaylist(string playlistId);

    void Apply(string roomId, MusicSetting music, bool ducked);

    /// <summary>Next (+1) or previous (−1) track, with the engine's crossfade.</summary>
    void Skip(string roomId, int direction);

    MusicNowPlaying? NowPlaying(string roomId);
}
