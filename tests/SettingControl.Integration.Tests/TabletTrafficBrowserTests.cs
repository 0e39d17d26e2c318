using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary>
/// What a tablet on a room in session moves over the network, time-compressed: a record already long (120 notes),
/// then a note and a light change every 1.5 s, then the room left alone. After the first load the tablet asks only for
/// the record's new entries, never for the whole record again, and hears the room as patches, never whole snapshots;
/// a session hour stays under a megabyte. The figures are printed for the closing note and docs/benchmarks.md.
/// </summary>
public sealed class TabletTrafficBrowserTests(ITestOutputHelper output) : BrowserTestBase(simulatedRooms: 1)
{
    private const int EarlierNotes = 120;
    private const int NewNotes = 12;
    private static readonly TimeSpan IdleFor = TimeSpan.FromSeconds(20);
    private const int ChangesPerHour = 60;

    [Fact]
    public async Task A_tablet_in_a_long_session_hears_only_the_records_new_entries()
    {
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "Tuesday 09:00" })).EnsureSuccessStatusCode();
        for (var i = 0; i < EarlierNotes; i++)
        {
            (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = $"Observation {i}: breathing slow, settled" })).EnsureSuccessStatusCode();
        }

        var sessionId = (await Host.GetRoomAsync("room-1")).Session!.SessionId;
        var wholeRecord = Encoding.UTF8.GetByteCount(await Host.Http.GetStringAsync($"/api/sessions/{sessionId}"));

        // Counted from before sign-in, so the hub's WebSocket is seen from its first frame. SignalR's JSON protocol:
        // "type":1 is a push (RoomChanged), "type":3 the answer to a call (the record, joining a room).
        var tablet = await Browser.NewTabletPageAsync();
        var traffic = new Traffic();
        tablet.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => traffic.Frame(frame.Text ?? string.Empty, frame.Binary?.Length);
        tablet.RequestFinished += async (_, request) =>
        {
            var sizes = await request.SizesAsync();
            traffic.Http(sizes.ResponseBodySize + sizes.ResponseHeadersSize);
        };
        await SignInAsync(tablet, "therapist", HostUnderTest.DemoPassword);
        await Assertions.Expect(tablet.GetByTestId("user-pill")).ToContainTextAsync("therapist");
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(tablet.GetByTestId("chart-note-marker")).ToHaveCountAsync(EarlierNotes, new() { Timeout = 30_000 });
        var firstLoad = traffic.TakeTotals();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < NewNotes; i++)
        {
            (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = $"Later {i}: eyes closed" })).EnsureSuccessStatusCode();
            (await Host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 20 + i, transitionMs = 0 })).EnsureSuccessStatusCode();
            await Task.Delay(1500);
        }

        await Assertions.Expect(tablet.GetByTestId("chart-note-marker")).ToHaveCountAsync(EarlierNotes + NewNotes, new() { Timeout = 30_000 });
        var during = traffic.TakeTotals();
        var hours = clock.Elapsed.TotalHours;
        output.WriteLine($"whole record {wholeRecord / 1024.0:0.0} KB; first load of the room page {firstLoad.All / 1024.0:0.0} KB");
        output.WriteLine($"then {NewNotes} notes and {NewNotes} light changes in {clock.Elapsed.TotalSeconds:0} s: {during.All / 1024.0:0.0} KB in all, " +
                         $"{during.Answers / 1024.0:0.0} KB of record answers, {during.Pushes} room pushes of {during.PushBytes / Math.Max(1, during.Pushes) / 1024.0:0.0} KB each " +
                         $"({during.All / hours / (1024 * 1024):0.0} MB an hour at this pace; record answers alone {during.Answers / hours / (1024 * 1024):0.00} MB an hour)");

        // Then the room left alone, as it mostly is: the phase clock running, the devices reporting, the music playing.
        var idleClock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(IdleFor);
        var idle = traffic.TakeTotals();
        output.WriteLine($"left alone for {idleClock.Elapsed.TotalSeconds:0} s: {idle.All / 1024.0:0.0} KB, {idle.Pushes} room pushes, {idle.Answers / 1024.0:0.0} KB of record answers");

        // A session hour: the room as it is left alone (the first phase fades all along, the worst case: every device
        // reports), and a note and a light change every minute, each costing what one did above.
        var perHour = idle.All / idleClock.Elapsed.TotalSeconds * 3600 + during.All / (double)NewNotes * ChangesPerHour;
        output.WriteLine($"a session hour with a note and a light change every minute: {perHour / (1024 * 1024):0.00} MB");
        Assert.Equal(0, traffic.WholeSnapshots);
        Assert.True(perHour < 1024 * 1024, $"a tablet would move {perHour / (1024 * 1024):0.00} MB an hour");

        // Each refresh of a record this long used to be the whole record again; now all of them together are less than one.
        Assert.True(during.Answers < wholeRecord, $"the tablet received {during.Answers} bytes of answers for {NewNotes} new notes; the whole record is {wholeRecord} bytes");
    }

    private sealed class Traffic
    {
        private long _answers;
        private long _pushes;
        private long _pushBytes;
        private long _other;
        private long _wholeSnapshots;

        /// <summary>Pushes that were a whole snapshot rather than a patch, all along.</summary>
        public long WholeSnapshots => Interlocked.Read(ref _wholeSnapshots);

        public void Frame(string text, int? binaryLength)
        {
            var size = binaryLength ?? Encoding.UTF8.GetByteCount(text);
            if (text.Contains("\"type\":3", StringComparison.Ordinal))
            {
                Interlocked.Add(ref _answers, size);
            }
            else if (text.Contains("\"type\":1", StringComparison.Ordinal))
            {
                if (text.Contains("\"target\":\"RoomChanged\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _wholeSnapshots);
                }

                Interlocked.Increment(ref _pushes);
                Interlocked.Add(ref _pushBytes, size);
            }
            else
            {
                Interlocked.Add(ref _other, size);
            }
        }

        public void Http(long size) => Interlocked.Add(ref _other, size);

        public Totals TakeTotals() => new(Interlocked.Exchange(ref _answers, 0), Interlocked.Exchange(ref _pushes, 0), Interlocked.Exchange(ref _pushBytes, 0), Interlocked.Exchange(ref _other, 0));
    }

    private sealed record Totals(long Answers, long Pushes, long PushBytes, long Other)
    {
        public long All => Answers + PushBytes + Other;
    }
}
