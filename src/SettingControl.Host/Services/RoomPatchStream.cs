using System.Text.Json;
using System.Text.Json.Nodes;
using SettingControl.Contracts;

namespace SettingControl.Host.Services;

/// <summary>
/// One room's changes as numbered patches for the dashboards watching it (<c>RoomPatched</c>). Each patch turns the
/// snapshot last sent into the newest one (<see cref="SnapshotPatch"/>). A change anyone made, or anything the room's
/// clock did, goes out at once; what only moves by itself (a device's report during a fade, the clock's seconds, the
/// music's position, which the page counts on from the last snapshot) goes out at most every
/// <see cref="ReportEvery"/>, the newest state winning. Bulbs can report ten times a second during a fade: sent as they
/// come, that was most of a tablet's traffic.
/// </summary>
public sealed class RoomPatchStream(string roomId, JsonSerializerOptions wire, Action<RoomPatch> send, TimeProvider time)
{
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(3);

    private readonly Lock _gate = new();
    private long _seq;
    private RoomSnapshot? _sent;
    private JsonNode? _sentJson;
    private (RoomSnapshot Snapshot, JsonNode? Json)? _held;
    private long _sentAt = long.MinValue;
    private ITimer? _flush;

    /// <summary>
    /// Where the stream stands for a new watcher: the snapshot the next patch applies to, and its number. A stream
    /// starts from <paramref name="fresh"/> (read after the watcher joined the room's patch group, so it hears every
    /// later patch); a report held back is sent first, so the watcher starts from the newest state.
    /// </summary>
    public RoomWatch Seed(RoomSnapshot fresh)
    {
        lock (_gate)
        {
            if (_sent is null)
            {
                _sent = fresh;
                _sentJson = JsonSerializer.SerializeToNode(fresh, wire);
            }

            SendHeld();
            return new RoomWatch(_seq, _sent);
        }
    }

    public void Changed(RoomSnapshot snapshot)
    {
        lock (_gate)
        {
            if (_sent is null)
            {
                return; // nobody has watched this room yet
            }

            var json = JsonSerializer.SerializeToNode(snapshot, wire);
            if (!SnapshotPatch.TryDiff(_sentJson, json, out var changes))
            {
                _held = null;
                return;
            }

            var wait = _sentAt == long.MinValue ? TimeSpan.Zero : ReportEvery - time.GetElapsedTime(_sentAt);
            if (SnapshotPatch.IsOnlyReports(changes) && wait > TimeSpan.Zero)
            {
                _held = (snapshot, json);
                _flush ??= time.CreateTimer(_ => Flush(), null, wait, Timeout.InfiniteTimeSpan);
                return;
            }

            Send(snapshot, json, changes);
        }
    }

    private void Flush()
    {
        lock (_gate)
        {
            _flush?.Dispose();
            _flush = null;
            SendHeld();
        }
    }

    private void SendHeld()
    {
        if (_held is { } held && SnapshotPatch.TryDiff(_sentJson, held.Json, out var changes))
        {
            Send(held.Snapshot, held.Json, changes);
        }

        _held = null;
    }

    private void Send(RoomSnapshot snapshot, JsonNode? json, JsonNode? changes)
    {
        var patch = new RoomPatch(roomId, _seq + 1, _seq, changes);
        _seq++;
        _sent = snapshot;
        _sentJson = json;
        _sentAt = time.GetTimestamp();
        _held = null;
        send(patch);
    }
}

/// <summary>A room's changes since patch <c>BaseSeq</c>, which make patch <c>Seq</c> (see <see cref="SnapshotPatch"/>).</summary>
public sealed record RoomPatch(string RoomId, long Seq, long BaseSeq, JsonNode? Changes);

/// <summary>Where a room's patch stream stands: the snapshot the next patch applies to, and its number.</summary>
public sealed record RoomWatch(long Seq, RoomSnapshot Snapshot);
