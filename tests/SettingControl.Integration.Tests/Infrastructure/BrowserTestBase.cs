namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// A host with simulated rooms whose devices are all online, and Debian's Chromium: what every browser
/// test starts from.
/// </summary>
public abstract class BrowserTestBase(int simulatedRooms) : IAsyncLifetime
{
    protected HostUnderTest Host { get; private set; } = null!;

    protected Browser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await HostUnderTest.StartAsync(simulatedRooms);
        await Eventually.TrueAsync(
            async () => (await Host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"),
            TimeSpan.FromSeconds(20),
            "room-1 online");
        Browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Host.DisposeAsync();
    }

    protected string PageUrl(string hashRoute) => new Uri(Host.BaseUrl, "/" + hashRoute).ToString();
}
