using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// The room as a dashboard sees it: the stored state, what the devices report, what the player is doing and
/// whether storage keeps up, in one <see cref="RoomSnapshot"/>.
/// </summary>
internal static class RoomSnapshotBuilder
{
    /// <param name="storageProblem">Why the room runs ahead of storage, or null when what it holds is stored.</param>
    public static RoomSnapshot Build(
        string roomId,
        RoomState state,
        RoomDevices devices,
        MusicNowPlaying? nowPlaying,
        string? storageProblem,
        DateTimeOffset now)
    {
        var room = state.Room;
        var deviceDtos = new RoomDeviceDto[state.Devices.Count];
        for (var i = 0; i < deviceDtos.Length; i++)
        {
            var d = state.Devices[i];
            var live = devices.Find(d.DeviceId);
            deviceDtos[i] = new RoomDeviceDto(
                d.DeviceId,
                d.Kind.ToWire(),
                (live?.Availability ?? DeviceAvailability.Unknown).ToWire(),
                live?.Actual.ToDto(),
                live?.LastSeen,
                live?.Model,
                live?.Firmware);
        }

        var change = state.LastChange is { } c ? new ChangeDto(c.By, c.What, c.At) : null;
        var lightsUp = room.LightsUp is { } up ? new LightsUpDto(true, up.Since, up.By) : new LightsUpDto(false, null, null);
        var playing = nowPlaying is { } p
            ? new NowPlayingDto(p.PlaylistId, p.TrackIndex, p.TrackTitle, p.PositionSeconds, p.DurationSeconds, p.Volume, p.Playing, p.Ducked, p.Output, p.OutputState, p.Speakers?.Select(s => new SpeakerDto(s.Name, s.Connected)).ToList())
            : null;
        var music = new MusicDto(room.Music.PlaylistId, room.Music.Playing, room.Music.Volume, room.MusicDucked, playing);
        return new RoomSnapshot(
            roomId, state.Name, state.Version, room.Lights.Desired.ToDto(), state.LastTransitionMs, deviceDtos, change,
            room.Session?.ToDto(room, now), lightsUp, music, new RoomSettingsDto(room.MaxBrightness, room.DefaultPlaylistId, room.MaxMaskLight),
            new StorageStatusDto(storageProblem is null, storageProblem), state.JournalSequence);
    }
}
