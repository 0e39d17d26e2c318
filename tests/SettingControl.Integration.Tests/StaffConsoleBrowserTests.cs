using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SettingControl.FirmwareSim;
using SettingControl.Host.Security;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The newcomer's path in a real browser: first-run admin setup, failed sign-in, staff provisions a room
/// with a device that announced itself, a therapist runs a session on it while an observer watches
/// (and cannot change anything), and a therapist cannot reach the staff console.
/// </summary>
public sealed class StaffConsoleBrowserTests : IAsyncLifetime
{
    private const string AdminPassword = "chief-password-1";
    private const string TherapistPassword = "tess-password-1";
    private const string ObserverPassword = "olly-password-1";
    private HostUnderTest _host = null!;
    private Browser _browser = null!;
    private SimulatedDevice? _lamp;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        // Not demo mode: no demo accounts, so the facility starts with no admin and a setup token.
        _host = await HostUnderTest.StartAsync(simulatedRooms: 1, extra: new Dictionary<string, string> { ["Demo:Enabled"] = "false" });
        _browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _api?.Dispose();
        if (_lamp is not null)
        {
            await _lamp.DisposeAsync();
        }

        await _host.DisposeAsync();
    }

    private async Task<Contracts.RoomSnapshot> RoomAsync(string roomId) =>
        (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<Contracts.RoomSnapshot>(_api, $"/api/rooms/{roomId}"))!;

    private string Url(string hash) => new Uri(_host.BaseUrl, "/" + hash).ToString();

    private async Task<IPage> SignedInAsync(string username, string password)
    {
        var page = await _browser.NewTabletPageAsync();
        await page.GotoAsync(Url("#/"));
        await page.GetByTestId("signin-username").FillAsync(username);
        await page.GetByTestId("signin-password").FillAsync(password);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-pill")).ToContainTextAsync(username);
        return page;
    }

    [Fact]
    public async Task Setup_sign_in_provision_a_room_and_run_a_session_on_it_while_an_observer_watches()
    {
        // First run: the setup form, with the token the host printed.
        var admin = await _browser.NewTabletPageAsync();
        await admin.GotoAsync(Url("#/"));
        await Assertions.Expect(admin.GetByTestId("setup-form")).ToBeVisibleAsync();
        await admin.GetByTestId("setup-token").FillAsync("not-the-token");
        await admin.GetByTestId("setup-password").FillAsync(AdminPassword);
        await admin.GetByTestId("setup-submit").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("auth-error")).ToContainTextAsync("setup token is not valid");
        await Browser.ScreenshotAsync(admin, "first-run-setup");
        await admin.GetByTestId("setup-token").FillAsync(_host.Services.GetRequiredService<SetupToken>().Current!);
        await admin.GetByTestId("setup-username").FillAsync("chief");
        await admin.GetByTestId("setup-submit").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("user-pill")).ToContainTextAsync("chief · Admin");
        await Assertions.Expect(admin.GetByTestId("staff-rooms")).ToBeVisibleAsync();

        // The test reads rooms with an API key the admin creates (outside demo mode no other key exists).
        var token = await admin.EvaluateAsync<string>(@"async () => {
            const r = await fetch('/api/api-keys', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'test reader', role: 'Observer' }) });
            return (await r.json()).token;
        }");
        _api = _host.NewClient(token);

        // Accounts: a therapist and an observer.
        foreach (var (name, password, role) in new[] { ("tess", TherapistPassword, "Therapist"), ("olly", ObserverPassword, "Observer") })
        {
            await admin.GetByTestId("new-account-username").FillAsync(name);
            await admin.GetByTestId("new-account-password").FillAsync(password);
            await admin.GetByTestId("new-account-role").SelectOptionAsync(role);
            await admin.GetByTestId("create-account").ClickAsync();
            await Assertions.Expect(admin.GetByTestId($"account-{name}")).ToContainTextAsync(role);
        }

        // A new lamp gets its broker login from the console (shown once), then connects and announces itself.
        await admin.GetByTestId("new-login-device").FillAsync("lamp-9");
        await admin.GetByTestId("create-login").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("new-login-password")).ToContainTextAsync("not shown again");
        var lampPassword = await admin.GetByTestId("new-login-password").GetAttributeAsync("data-password");
        _lamp = new SimulatedDevice(new SimulatedDeviceOptions
        {
            DeviceId = "lamp-9", Kind = "light", BrokerPort = _host.MqttPort, Username = "lamp-9", Password = lampPassword,
        });
        await _lamp.StartAsync();
        await admin.ReloadAsync();

        // A room, and the lamp that announced itself (it controls nothing yet) assigned to it.
        await admin.GetByTestId("new-room-id").FillAsync("garden");
        await admin.GetByTestId("new-room-name").FillAsync("Garden room");
        await admin.GetByTestId("create-room").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("staff-room-garden")).ToBeVisibleAsync();

        // Per-room settings: a brightness ceiling and the room's audio recorded to a WAV file, named within
        // the audio output folder; a path is refused with a plain message and the output left as it was.
        await admin.GetByTestId("room-max-garden").FillAsync("80");
        await admin.GetByTestId("room-output-kind-garden").SelectOptionAsync("file");
        await admin.GetByTestId("room-output-target-garden").FillAsync("/etc/garden.wav");
        await admin.GetByTestId("room-save-garden").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("staff-rooms-error")).ToContainTextAsync("A file output takes a file name only");
        await admin.GetByTestId("room-output-target-garden").FillAsync("garden.wav");
        await admin.GetByTestId("room-save-garden").ClickAsync();
        await Eventually.TrueAsync(async () => (await RoomAsync("garden")).Settings?.MaxBrightness == 80, TimeSpan.FromSeconds(10), "ceiling saved");
        await Eventually.TrueAsync(async () => (await _api.GetStringAsync("/api/rooms/garden/audio-output")).Contains("\"path\":\"garden.wav\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "file output saved");
        var lampRow = admin.GetByTestId("staff-device-lamp-9");
        await Assertions.Expect(lampRow).ToContainTextAsync("online", new() { Timeout = 15_000 });
        await Assertions.Expect(lampRow).ToContainTextAsync("sim-light");
        await admin.GetByTestId("device-room-lamp-9").SelectOptionAsync("garden");
        await admin.GetByTestId("device-assign-lamp-9").ClickAsync();
        await Eventually.TrueAsync(async () => (await RoomAsync("garden")).Devices.Any(d => d.DeviceId == "lamp-9" && d.Availability == "online"),
            TimeSpan.FromSeconds(15), "lamp-9 online in the garden room");
        await Browser.ScreenshotAsync(admin, "staff-console");

        // A wrong password is refused with a plain message.
        var tablet = await _browser.NewTabletPageAsync();
        await tablet.GotoAsync(Url("#/"));
        await tablet.GetByTestId("signin-username").FillAsync("tess");
        await tablet.GetByTestId("signin-password").FillAsync("wrong-password");
        await tablet.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("auth-error")).ToContainTextAsync("Wrong username or password");
        await Browser.ScreenshotAsync(tablet, "sign-in-failed");
        await tablet.GetByTestId("signin-password").FillAsync(TherapistPassword);
        await tablet.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(tablet.GetByTestId("user-pill")).ToContainTextAsync("tess · Therapist");

        // The therapist cannot reach the staff console or its API.
        await Assertions.Expect(tablet.GetByTestId("staff-link")).ToHaveCountAsync(0);
        await tablet.GotoAsync(Url("#/staff"));
        await Assertions.Expect(tablet.GetByTestId("not-allowed")).ToBeVisibleAsync();
        Assert.Equal(403, await tablet.EvaluateAsync<int>("fetch('/api/devices').then(r => r.status)"));

        var observer = await SignedInAsync("olly", ObserverPassword);
        await observer.GotoAsync(Url("#/rooms/garden"));
        await tablet.GotoAsync(Url("#/rooms/garden"));
        await Assertions.Expect(tablet.GetByTestId("connection-status")).ToHaveTextAsync("connected");
        await Assertions.Expect(observer.GetByTestId("readonly-banner")).ToBeVisibleAsync();

        // Adjust the light: the observer sees the new target, the lamp follows.
        await tablet.GetByTestId("transition-select").SelectOptionAsync(new SelectOptionValue { Label = "Instant" });
        await tablet.GetByTestId("brightness-slider").FillAsync("30");
        await Assertions.Expect(observer.GetByTestId("brightness-target")).ToHaveTextAsync("30%");
        Assert.True(await _lamp!.WaitUntilAsync(s => s.Brightness == 30, TimeSpan.FromSeconds(15)), "the assigned lamp follows the therapist");

        // The session: start, acknowledge the reminder, T0, Lights up, resume — the observer sees each step.
        await tablet.GetByTestId("protocol-select").SelectOptionAsync("esketamine-nasal");
        await tablet.GetByTestId("session-label").FillAsync("Thursday 10:00");
        await tablet.GetByTestId("start-session").ClickAsync();
        await Assertions.Expect(observer.GetByTestId("phase-name")).ToHaveTextAsync("Preparation and intention");

        var reminderId = (await RoomAsync("garden")).Session!.Reminders.First(r => r.State == "due").Id;
        await tablet.GetByTestId($"reminder-ack-{reminderId}").ClickAsync();
        await Assertions.Expect(observer.GetByTestId($"reminder-{reminderId}-state")).ToHaveTextAsync("acknowledged");

        await tablet.GetByTestId("mark-dose").ClickAsync();
        await Assertions.Expect(observer.GetByTestId("phase-name")).ToHaveTextAsync("Dosing and onset");
        await tablet.GetByTestId("lights-up-button").HoverAsync();
        await tablet.Mouse.DownAsync();
        await Task.Delay(1400);
        await tablet.Mouse.UpAsync();
        await Assertions.Expect(observer.GetByTestId("lights-up-banner")).ToBeVisibleAsync();
        // Patience as everywhere else in this test; how fast Lights up lands is the benchmark's to measure, not a test's.
        Assert.True(await _lamp!.WaitUntilAsync(s => s.Brightness == 100, TimeSpan.FromSeconds(15)), "Lights up reaches the lamp");
        await tablet.GetByTestId("lights-up-resume").ClickAsync();
        await Assertions.Expect(observer.GetByTestId("lights-up-banner")).ToHaveCountAsync(0);

        // The observer's page offers no control, and the hub refuses one sent by hand with the observer's cookie.
        Assert.True(await observer.GetByTestId("brightness-slider").IsDisabledAsync());
        Assert.True(await observer.GetByTestId("mark-dose").CountAsync() == 0 || await observer.GetByTestId("mark-dose").IsDisabledAsync());
        var refusal = await observer.EvaluateAsync<string>(@"async () => {
            const c = new signalR.HubConnectionBuilder().withUrl('/hubs/rooms').build();
            await c.start();
            try { await c.invoke('SetLighting', 'garden', { brightness: 99 }); return 'accepted'; }
            catch (e) { return String(e.message); }
            finally { await c.stop(); }
        }");
        Assert.Contains("Observers can watch rooms but not change them", refusal);
        Assert.NotEqual(99, (await RoomAsync("garden")).Desired.Lighting.Brightness);
        await Browser.ScreenshotAsync(observer, "observer-room-page");

        // The overview shows the new room with its phase.
        await tablet.GotoAsync(Url("#/"));
        await Assertions.Expect(tablet.GetByTestId("room-card-garden-phase")).ToContainTextAsync("Dosing and onset");
        await Browser.ScreenshotAsync(tablet, "therapist-overview");

        var record = await _api.GetStringAsync($"/api/sessions/{(await RoomAsync("garden")).Session!.SessionId}");
        Assert.Contains("\"actor\":\"user:tess\"", record);
    }
}
