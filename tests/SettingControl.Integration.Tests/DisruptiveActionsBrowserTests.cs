using Microsoft.Playwright;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Actions that change a lot take two deliberate taps on the therapist's tablet: going to another phase says what it
/// will do to the lights first, and signing out lives in the user menu, away from the connection pill and Night.
/// </summary>
public sealed class DisruptiveActionsBrowserTests() : BrowserTestBase(simulatedRooms: 1)
{
    [Fact]
    public async Task Going_to_a_phase_says_what_will_happen_and_needs_a_second_tap()
    {
        var tablet = await NewTabletPageAsync();
        await tablet.GotoAsync(PageUrl("#/rooms/room-1"));
        await tablet.GetByTestId("protocol-select").SelectOptionAsync("esketamine-nasal");
        await tablet.GetByTestId("session-label").FillAsync("Tuesday 09:00");
        await tablet.GetByTestId("start-session").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("phase-name")).ToHaveTextAsync("Preparation and intention");

        await tablet.GetByTestId("jump-phase-select").SelectOptionAsync("peak");
        await tablet.GetByTestId("jump-phase").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("jump-confirm")).ToHaveTextAsync("Go to Peak? Lights fade to 10% over 2 min.");
        await Assertions.Expect(tablet.GetByTestId("jump-phase")).ToHaveTextAsync("Tap again to go");
        await Assertions.Expect(tablet.GetByTestId("phase-name")).ToHaveTextAsync("Preparation and intention");

        // Changing the choice disarms it: one more tap only says what the new choice would do.
        await tablet.GetByTestId("jump-phase-select").SelectOptionAsync("return");
        await Assertions.Expect(tablet.GetByTestId("jump-confirm")).ToBeHiddenAsync();
        await tablet.GetByTestId("jump-phase").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("jump-confirm")).ToHaveTextAsync("Go to Return / emergence? Lights fade to 40% over 20 min.");
        Assert.Equal("preparation", (await Host.GetRoomAsync("room-1")).Session!.PhaseId);

        await tablet.GetByTestId("jump-phase").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("phase-name")).ToHaveTextAsync("Return / emergence");
        await Assertions.Expect(tablet.GetByTestId("jump-confirm")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Sign_out_is_in_the_user_menu()
    {
        var tablet = await NewTabletPageAsync();
        await Assertions.Expect(tablet.GetByTestId("sign-out")).ToBeHiddenAsync();

        await tablet.GetByTestId("user-menu").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("user-menu-panel")).ToContainTextAsync("Signed in as therapist (Therapist)");
        await tablet.Keyboard.PressAsync("Escape");
        await Assertions.Expect(tablet.GetByTestId("sign-out")).ToBeHiddenAsync();

        await tablet.GetByTestId("user-menu").ClickAsync();
        await tablet.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("signin-form")).ToBeVisibleAsync();
    }
}
