using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// What changed between two room snapshots, as JSON a tablet applies to the one it holds (wwwroot/lib/patch.js does
/// the same in reverse). A room in session changes every few seconds (the phase clock, a device's report), and each
/// full snapshot is about 4 KB: sending only what changed keeps a tablet far under a megabyte an hour.
/// <list type="bullet">
/// <item>An object lists only its members that changed, each as its own patch; a member that became null is null (a
/// snapshot always lists every member, null or not, so a member that went missing is written as null too).</item>
/// <item>A list of the same length lists only its items that changed, by position: <c>{"$items":{"2":patch}}</c>.</item>
/// <item>Anything else that changed (a number, a text, a list that grew or shrank) is its new value, whole.</item>
/// </list>
/// Snapshot members are the contract's property names, so no member is ever called <c>$items</c>.
/// </summary>
public static class SnapshotPatch
{
    public const string ItemsKey = "$items";

    // What moves by itself, by the contract's names as they are on the wire: a device's report, the phase clock, a
    // fade's progress, the music's position. Every other member changes only when someone or the room's clock does
    // something.
    private static readonly string VersionName = Wire(nameof(RoomSnapshot.Version));
    private static readonly string DevicesName = Wire(nameof(RoomSnapshot.Devices));
    private static readonly string SessionName = Wire(nameof(RoomSnapshot.Session));
    private static readonly string MusicName = Wire(nameof(RoomSnapshot.Music));
    private static readonly string NowPlayingName = Wire(nameof(MusicDto.NowPlaying));
    private static readonly string FadeName = Wire(nameof(SessionDto.Fade));
    private static readonly HashSet<string> DeviceReports = [Wire(nameof(RoomDeviceDto.Actual)), Wire(nameof(RoomDeviceDto.LastSeen))];
    private static readonly HashSet<string> ClockReports =
        [Wire(nameof(SessionDto.PhaseElapsedSeconds)), Wire(nameof(SessionDto.PhaseRemainingSeconds)), FadeName];
    private static readonly HashSet<string> FadeReports = [Wire(nameof(FadeDto.Progress))];
    private static readonly HashSet<string> MusicReports = [Wire(nameof(NowPlayingDto.PositionSeconds))];
    private static readonly HashSet<string> MusicMembers = [NowPlayingName];

    /// <summary>The patch turning <paramref name="before"/> into <paramref name="after"/>; false when they are equal.</summary>
    public static bool TryDiff(JsonNode? before, JsonNode? after, out JsonNode? patch)
    {
        switch (before, after)
        {
            case (JsonObject was, JsonObject now):
                patch = DiffObjects(was, now);
                return patch is not null;
            case (JsonArray was, JsonArray now) when was.Count == now.Count:
                patch = DiffItems(was, now);
                return patch is not null;
            default:
                if (JsonNode.DeepEquals(before, after))
                {
                    patch = null;
                    return false;
                }

                patch = after?.DeepClone();
                return true;
        }
    }

    /// <summary>
    /// True when <paramref name="patch"/> (from <see cref="TryDiff"/> on two snapshots) holds only what moves by itself:
    /// devices' reports, the clock's seconds, a running fade's progress, the music's position.
    /// </summary>
    public static bool IsOnlyReports(JsonNode? patch)
    {
        if (patch is not JsonObject changes)
        {
            return false;
        }

        foreach (var (name, change) in changes)
        {
            var reportOnly = name == VersionName
                || (name == DevicesName && EachItemOnly(change, DeviceReports))
                || (name == SessionName && Only(change, ClockReports) && (change![FadeName] is null || Only(change[FadeName], FadeReports)))
                || (name == MusicName && Only(change, MusicMembers) && Only(change![NowPlayingName], MusicReports));
            if (!reportOnly)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Only(JsonNode? change, IReadOnlySet<string> names) =>
        change is JsonObject members && members.All(m => names.Contains(m.Key));

    private static bool EachItemOnly(JsonNode? change, IReadOnlySet<string> names) =>
        change is JsonObject list && list.Count == 1 && list[ItemsKey] is JsonObject items && items.All(i => Only(i.Value, names));

    private static string Wire(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    private static JsonObject? DiffObjects(JsonObject was, JsonObject now)
    {
        JsonObject? changes = null;
        foreach (var (name, value) in now)
        {
            if (!was.TryGetPropertyValue(name, out var old))
            {
                (changes ??= [])[name] = value?.DeepClone();
            }
            else if (TryDiff(old, value, out var change))
            {
                (changes ??= [])[name] = change;
            }
        }

        foreach (var (name, _) in was)
        {
            if (!now.ContainsKey(name))
            {
                (changes ??= [])[name] = null;
            }
        }

        return changes;
    }

    private static JsonObject? DiffItems(JsonArray was, JsonArray now)
    {
        JsonObject? items = null;
        for (var i = 0; i < now.Count; i++)
        {
            if (TryDiff(was[i], now[i], out var change))
            {
                (items ??= [])[i.ToString(CultureInfo.InvariantCulture)] = change;
            }
        }

        return items is null ? null : new JsonObject { [ItemsKey] = items };
    }
}
