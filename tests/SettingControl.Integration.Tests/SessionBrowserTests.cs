using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>A therapist runs a session from the tablet page while a second tablet watches the same room.</summary>
public sealed class SessionBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task Start_a_session_override_lights_up_resume_acknowledge_a_reminder_and_see_the_chart()
    {
        var tablet = await NewTabletPageAsync();
        var watcher = await NewTabletPageAsync();
        var light = Host.SimulatedDevices!["room-1-light-1"];
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await watcher.GotoAsync(PageUrl("#/rooms/room-1"));
        await Assertions.Expect(tablet.GetByTestId("connection-status")).ToHaveTextAsync("connected");

        // Start the esketamine protocol with a label that identifies no patient.
        await tablet.GetByTestId("protocol-select").SelectOptionAsync("esketamine-nasal");
        await tablet.GetByTestId("session-label").FillAsync("Tuesday 09:00");
        await tablet.GetByTestId("start-session").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("phase-name")).ToHaveTextAsync("Preparation and intention");
        await Assertions.Expect(watcher.GetByTestId("clock-state")).ToHaveTextAsync("before T0");
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 45 && s.ColorTempK == 2900, TimeSpan.FromSeconds(90)), "the preparation scene's 60 s fade arrives");

        // The protocol's first reminder is due at once: acknowledge it.
        var reminderId = (await Host.GetRoomAsync("room-1")).Session!.Reminders.Single(r => r.State == "due").Id;
        await Assertions.Expect(watcher.GetByTestId($"reminder-{reminderId}-state")).ToHaveTextAsync("due");
        await tablet.GetByTestId($"reminder-ack-{reminderId}").ClickAsync();
        await Assertions.Expect(watcher.GetByTestId($"reminder-{reminderId}-state")).ToHaveTextAsync("acknowledged");

        // A manual dim overrides brightness only.
        await tablet.GetByTestId("transition-select").SelectOptionAsync(new SelectOptionValue { Label = "Instant" });
        await tablet.GetByTestId("brightness-slider").FillAsync("33");
        await Assertions.Expect(watcher.GetByTestId("override-brightness")).ToBeVisibleAsync();
        await Assertions.Expect(watcher.GetByTestId("override-colorTempK")).ToBeHiddenAsync();
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 33 && s.ColorTempK == 2900, TimeSpan.FromSeconds(15)));

        // T0: the dosing phase begins and takes the room back from the override.
        await tablet.GetByTestId("mark-dose").ClickAsync();
        await Assertions.Expect(watcher.GetByTestId("phase-name")).ToHaveTextAsync("Dosing and onset");
        await Assertions.Expect(watcher.GetByTestId("override-brightness")).ToBeHiddenAsync();

        // Lights up: press and hold; every watching tablet shows the banner; the lights go full neutral at once.
        await tablet.GetByTestId("lights-up-button").HoverAsync();
        await tablet.Mouse.DownAsync();
        await Task.Delay(1400);
        await tablet.Mouse.UpAsync();
        await Assertions.Expect(watcher.GetByTestId("lights-up-banner")).ToBeVisibleAsync();
        await Assertions.Expect(tablet.GetByTestId("clock-state")).ToHaveTextAsync("clock paused");
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 100 && s.ColorTempK == 4000, TimeSpan.FromSeconds(5)), "full light at once");
        await Infrastructure.Browser.ScreenshotAsync(watcher, "lights-up");

        await watcher.GetByTestId("lights-up-resume").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("lights-up-banner")).ToHaveCountAsync(0);
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 20 && s.ColorTempK == 2400, TimeSpan.FromSeconds(20)), "back to the dosing scene");

        // A note lands in the record and on the chart.
        await tablet.GetByTestId("note-text").FillAsync("Eyes closed, breathing slow");
        await tablet.GetByTestId("add-note").ClickAsync();
        await Assertions.Expect(watcher.GetByTestId("session-chart")).ToBeVisibleAsync();
        await Assertions.Expect(watcher.GetByTestId("chart-note-marker")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        Assert.True(await watcher.GetByTestId("chart-phase-band").CountAsync() >= 2);
        await Infrastructure.Browser.ScreenshotAsync(tablet, "session-room-page");

        var sessionId = (await Host.GetRoomAsync("room-1")).Session!.SessionId;
        var record = await Host.Http.GetStringAsync($"/api/sessions/{sessionId}");
        foreach (var type in new[] { "session-started", "reminder-acknowledged", "lighting-changed", "dose-marked", "lights-up", "lights-up-resumed", "note" })
        {
            Assert.Contains($"\"type\":\"{type}\"", record);
        }

        await tablet.GotoAsync(PageUrl("#/"));
        await Assertions.Expect(tablet.GetByTestId("room-card-room-1-phase")).ToContainTextAsync("Dosing and onset");
        await Infrastructure.Browser.ScreenshotAsync(tablet, "facility-overview");
    }
}
