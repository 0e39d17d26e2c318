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
        await SignInAsync(tablet, "therapist", HostUnderTest.DemoPassword);
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

    private async Task StartSessionAsync() =>
        (await Host.Http.PostAsJsonAsync("/api/rooms/room-1/session", new { protocolId = "esketamine-nasal", label = "Tuesday 09:00" })).EnsureSuccessStatusCode();
}
