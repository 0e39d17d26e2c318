using System.Net.Http.Json;
using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The reminder list under a therapist's finger: an acknowledged row stays where it was with an Undo, so a double tap
/// does not acknowledge the next one; Done on a reminder not due yet takes a second tap and can be undone; a soft
/// chime, when the tablet asks for one, when a reminder falls due.
/// </summary>
public sealed class RemindersBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task A_double_tap_acknowledges_one_reminder_and_undo_takes_it_back()
    {
        await StartSessionAsync();
        var tablet = await NewTabletPageAsync();
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        var first = (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.State == "due");
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/reminders", new { title = "Check breathing", priority = "medium", dueInMinutes = 0 })).EnsureSuccessStatusCode();
        var second = (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.State == "due" && r.Id != first.Id);
        await Assertions.Expect(tablet.GetByTestId($"reminder-ack-{second.Id}")).ToBeVisibleAsync();

        // Two quick taps on the first Acknowledge: the first acknowledges, the second lands on the words left there.
        var acknowledge = tablet.GetByTestId($"reminder-ack-{first.Id}");
        await acknowledge.ScrollIntoViewIfNeededAsync();
        var box = (await acknowledge.BoundingBoxAsync())!;
        await acknowledge.ClickAsync();
        await Assertions.Expect(tablet.GetByTestId($"reminder-held-{first.Id}")).ToHaveTextAsync("Acknowledged ✓");
        await tablet.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Assertions.Expect(tablet.GetByTestId($"reminder-{second.Id}-state")).ToHaveTextAsync("due");
        Assert.Equal("due", (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.Id == second.Id).State);

        await tablet.GetByTestId($"reminder-undo-{first.Id}").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId($"reminder-{first.Id}-state")).ToHaveTextAsync("due");
        await Assertions.Expect(tablet.GetByTestId($"reminder-ack-{first.Id}")).ToBeVisibleAsync();
        var record = await Host.Http.GetStringAsync($"/api/sessions/{(await Host.GetRoomAsync("room-1")).Session!.SessionId}");
        Assert.Contains("\"type\":\"reminder-undone\"", record);
    }

    [Fact]
    public async Task Done_on_a_reminder_not_due_yet_takes_a_second_tap_and_can_be_undone()
    {
        await StartSessionAsync();
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/reminders", new { title = "Check the spray device", priority = "low", dueInMinutes = 30 })).EnsureSuccessStatusCode();
        var later = (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.Title == "Check the spray device");
        var tablet = await NewTabletPageAsync();
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));

        var done = tablet.GetByTestId($"reminder-done-{later.Id}");
        await done.ClickAsync();
        await Assertions.Expect(done).ToHaveTextAsync("Done now? Tap again");
        Assert.Equal("scheduled", (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.Id == later.Id).State);
        await done.ClickAsync();
        await Assertions.Expect(tablet.GetByTestId($"reminder-held-{later.Id}")).ToHaveTextAsync("Done ✓");
        await Assertions.Expect(tablet.GetByTestId($"reminder-{later.Id}-state")).ToHaveTextAsync("done");

        await tablet.GetByTestId($"reminder-undo-{later.Id}").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId($"reminder-{later.Id}-state")).ToHaveTextAsync("scheduled");
    }

    [Fact]
    public async Task With_the_chime_on_a_reminder_falling_due_chimes_once()
    {
        await StartSessionAsync();
        var tablet = await Browser.NewTabletPageAsync();
        // The tablet's speaker, stood in for: every chime starts its own AudioContext, counted here.
        await tablet.Context.AddInitScriptAsync("""
            window.__chimes = 0;
            window.AudioContext = class {
              constructor() { window.__chimes++; this.currentTime = 0; this.destination = {}; }
              createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect() {} }; }
              createOscillator() { return { frequency: {}, connect() {}, start() {}, stop() {} }; }
              close() {}
            };
            """);
        await SignInAndWaitAsync(tablet, "therapist", HostUnderTest.DemoPassword);
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await tablet.GetByTestId("reminder-chime").CheckAsync();
        Assert.Equal(0, await tablet.EvaluateAsync<int>("() => window.__chimes")); // nothing for what was already due

        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/reminders", new { title = "Check breathing", priority = "medium", dueInMinutes = 0 })).EnsureSuccessStatusCode();
        await Assertions.Expect(tablet.GetByText("Check breathing")).ToBeVisibleAsync();
        await Eventually.TrueAsync(async () => await tablet.EvaluateAsync<int>("() => window.__chimes") == 1, TimeSpan.FromSeconds(10), "one chime");
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/notes", new { text = "Settled" })).EnsureSuccessStatusCode();
        await Task.Delay(1000);
        Assert.Equal(1, await tablet.EvaluateAsync<int>("() => window.__chimes"));
    }

    [Fact]
    public async Task A_blood_pressure_reminder_is_done_with_its_reading_which_goes_into_the_record_the_export_and_the_chart()
    {
        await StartSessionAsync();
        var tablet = await NewTabletPageAsync();
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        var bp = (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.State == "due");
        Assert.Equal("bloodPressure", bp.Reading);
        await Assertions.Expect(tablet.GetByTestId($"reminder-done-{bp.Id}")).ToBeHiddenAsync(); // the reading stands where Done would

        // A slip of the finger is refused in plain words and changes nothing.
        await tablet.GetByTestId($"reminder-reading-{bp.Id}").ClickAsync();
        await tablet.GetByTestId($"reading-{bp.Id}-systolic").FillAsync("1500");
        await tablet.GetByTestId($"reading-{bp.Id}-diastolic").FillAsync("85");
        await tablet.GetByTestId($"reading-save-{bp.Id}").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("error-banner")).ToContainTextAsync("check the number");
        Assert.Equal("due", (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.Id == bp.Id).State);

        // 150/85 with the protocol's range at 90–140 systolic: recorded, and pointed out for information.
        await tablet.GetByTestId($"reading-{bp.Id}-systolic").FillAsync("150");
        await tablet.GetByTestId($"reading-{bp.Id}-pulse").FillAsync("72");
        await tablet.GetByTestId($"reading-save-{bp.Id}").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId($"reminder-held-{bp.Id}")).ToHaveTextAsync("Recorded ✓");
        var value = tablet.GetByTestId($"reminder-{bp.Id}-value");
        await Assertions.Expect(value).ToHaveTextAsync("150/85 mmHg · pulse 72/min · outside the range staff set (systolic)");
        await Assertions.Expect(value).ToHaveAttributeAsync("data-outside", "true");
        await Assertions.Expect(tablet.GetByTestId("error-banner")).ToBeHiddenAsync();
        var marker = tablet.GetByTestId("chart-reading-marker");
        await Assertions.Expect(marker).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(marker).ToHaveAttributeAsync("data-outside", "true");
        await Assertions.Expect(marker).ToContainTextAsync("150/85");
        await Infrastructure.Browser.ScreenshotAsync(tablet, "reminder-reading");

        var sessionId = (await Host.GetRoomAsync("room-1")).Session!.SessionId;
        var csv = await Host.Http.GetStringAsync($"/api/sessions/{sessionId}/export?format=csv");
        var row = csv.Split('\n').Single(l => l.Contains(",reading-recorded,", StringComparison.Ordinal));
        Assert.EndsWith(",150,85,72,,systolic", row);
        Assert.Contains("Blood pressure before dosing: 150/85 mmHg, pulse 72/min (outside the range staff set: systolic above 90–140)", row);
        var json = await Host.Http.GetStringAsync($"/api/sessions/{sessionId}/export?format=json");
        Assert.Contains("\"reading\":{\"systolic\":150,\"diastolic\":85,\"pulse\":72,\"spo2\":null,\"outsideRange\":[\"systolic\"]}", json);
    }

    private async Task StartSessionAsync() =>
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "Tuesday 09:00" })).EnsureSuccessStatusCode();
}
