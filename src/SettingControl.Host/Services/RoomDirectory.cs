using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>Room queries shared by the hub and the REST API.</summary>
public static class RoomDirectory
{
    public static async Task<IReadOnlyList<RoomSnapshot>> ListAsync(IGrainFactory grains)
    {
        var rooms = await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms();
        var snapshots = await Task.WhenAll(rooms.Select(r => grains.GetGrain<IRoomGrain>(r.RoomId).GetSnapshot().AsTask()));
        return snapshots.OfType<RoomSnapshot>().OrderBy(s => s.RoomId, RoomIdComparer.Instance).ToArray();
    }

    /// <summary>Orders room-2 before room-10, as a person would.</summary>
    private sealed class RoomIdComparer : IComparer<string>
    {
        public static readonly RoomIdComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var (px, nx) = Split(x ?? string.Empty);
            var (py, ny) = Split(y ?? string.Empty);
            var byPrefix = string.CompareOrdinal(px, py);
            return byPrefix != 0 ? byPrefix : nx.CompareTo(ny);
        }

        private static (string Prefix, long Number) Split(string id)
        {
            var i = id.Length;
            while (i > 0 && char.IsAsciiDigit(id[i - 1]))
            {
                i--;
            }

            return i < id.Length && id.Length - i < 18 ? (id[..i], long.Parse(id[i..])) : (id, -1);
        }
    }
}
