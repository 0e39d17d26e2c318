using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Time.Testing;
using SettingControl.Contracts;
using SettingControl.Host.Services;

namespace SettingControl.Integration.Tests;

/// <summary>
/// When a room's patches go out: what someone did at once, what only moves by itself (devices' reports, the clock) at
/// most every few seconds with the newest state, and a new watcher starts from the newest state.
/// </summary>
public sealed class RoomPatchStreamTests
{
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly FakeTimeProvider _time = new();
    private readonly List<RoomPatch> _sent = [];
    private readonly RoomPatchStream _stream;

    public RoomPatchStreamTests() => _stream = new RoomPatchStream("room-1", Wire, _sent.Add, _time);

    [Fact]
    public void A_change_someone_made_goes_out_at_once_and_reports_wait_with_the_newest_winning()
    {
        var watch = _stream.Seed(Room(version: 1, brightness: 40, reported: 40));
        Assert.Equal(0, watch.Seq);

        _stream.Changed(Room(version: 2, brightness: 20, reported: 40));
        var first = Assert.Single(_sent);
        Assert.Equal((1L, 0L), (first.Seq, first.BaseSeq));
        Assert.Equal(20, first.Changes!["desired"]!["lighting"]!["brightness"]!.GetValue<int>());

        // The lights fade down and report each step: nothing goes out until the interval has passed, then the newest.
        _stream.Changed(Room(version: 3, brightness: 20, reported: 35));
        _stream.Changed(Room(version: 4, brightness: 20, reported: 30));
        Assert.Single(_sent);
        _time.Advance(RoomPatchStream.ReportEvery);
        Assert.Equal(2, _sent.Count);
        Assert.Equal((2L, 1L), (_sent[1].Seq, _sent[1].BaseSeq));
        Assert.Equal(30, _sent[1].Changes!["devices"]!["$items"]!["0"]!["actual"]!["brightness"]!.GetValue<int>());

        // A change someone makes in the middle of a fade carries the held report with it, at once.
        _stream.Changed(Room(version: 5, brightness: 20, reported: 25));
        _stream.Changed(Room(version: 6, brightness: 60, reported: 25));
        Assert.Equal(3, _sent.Count);
        Assert.Equal(25, _sent[2].Changes!["devices"]!["$items"]!["0"]!["actual"]!["brightness"]!.GetValue<int>());
        _time.Advance(RoomPatchStream.ReportEvery);
        Assert.Equal(3, _sent.Count); // nothing was left held
    }

    [Fact]
    public void A_new_watcher_gets_the_held_report_sent_first_and_starts_after_it()
    {
        _stream.Seed(Room(version: 1, brightness: 40, reported: 40));
        _stream.Changed(Room(version: 2, brightness: 20, reported: 40));
        _stream.Changed(Room(version: 3, brightness: 20, reported: 33));

        var watch = _stream.Seed(Room(version: 3, brightness: 20, reported: 33));
        Assert.Equal(2, _sent.Count);
        Assert.Equal(2, watch.Seq);
        Assert.Equal(33, watch.Snapshot.Devices[0].Actual!.Brightness);
    }

    [Fact]
    public void Nothing_changed_sends_nothing()
    {
        _stream.Seed(Room(version: 1, brightness: 40, reported: 40));
        _stream.Changed(Room(version: 1, brightness: 40, reported: 40));
        _time.Advance(RoomPatchStream.ReportEvery * 2);
        Assert.Empty(_sent);
    }

    private static RoomSnapshot Room(long version, int brightness, int reported) => new(
        "room-1",
        "Room 1",
        version,
        new DesiredStateDto(new LightingDto(true, brightness, 2700), new MaskDto(false, 0)),
        0,
        [new RoomDeviceDto("room-1-light-1", "light", "online", new ActualStateDto(true, reported, 2700, null, null, null), DateTimeOffset.UnixEpoch.AddSeconds(version), null, null)],
        null);
}
