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

    /// <summary>Stops the room's music here and lets go of its output: the room moved to another node.</summary>
    void Release(string roomId);
}

/// <summary>
/// A small document a part of the host keeps beside the rooms: broker accounts, bridge and device registrations,
/// per-room audio outputs. On a single node it is a file in the data directory; in a cluster it is a row of the
/// database that every node reads, so what staff set up through one node holds on all of them.
/// </summary>
public interface IKeptDocument
{
    /// <summary>What the document holds now (null text when it was never written) and its version.</summary>
    KeptText Read();

    /// <summary>
    /// Writes <paramref name="text"/> if the document is still at <paramref name="expectedVersion"/>; returns its new
    /// version, or null when another node wrote it in between (read it again and decide again).
    /// </summary>
    long? TryWrite(string text, long expectedVersion);
}

/// <summary>A kept document's text (null when never written) and its version; a file's version is always 0.</summary>
public readonly record struct KeptText(string? Text, long Version);

/// <summary>Where a cluster keeps its shared documents, by name (the file name a single node would use).</summary>
public interface IKeptDocuments
{
    IKeptDocument Open(string name);
}

/// <summary>Another node changed a kept document at the same moment: nothing was written; try again.</summary>
public sealed class KeptDocumentConflictException(string name)
    : Exception($"'{name}' was changed on another node at the same moment; nothing was saved. Try again.");
