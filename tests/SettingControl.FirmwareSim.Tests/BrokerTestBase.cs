using SettingControl.DeviceProtocol;
using Xunit.Abstractions;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>
/// Each test gets its own broker on a free loopback port and cleans up its devices and probes. Waits are generous
/// (10 s) and tests assert outcomes, not durations, so a slow machine does not make them flaky.
/// </summary>
public abstract class BrokerTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<IAsyncDisposable> _owned = [];

    internal TestBroker Broker { get; private set; } = null!;

    protected DeviceTopics Topics { get; } = new();

    public async Task InitializeAsync() => Broker = await TestBroker.StartAsync();

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await Broker.DisposeAsync();
    }

    protected SimulatedDevice NewDevice(string deviceId, string kind = DeviceKinds.Light, int reportIntervalMs = 100)
    {
        var device = new SimulatedDevice(
            new SimulatedDeviceOptions { DeviceId = deviceId, Kind = kind, BrokerPort = Broker.Port, ReportIntervalMs = reportIntervalMs },
            logger: new TestOutputLogger(output));
        _owned.Add(device);
        return device;
    }

    protected async Task<SimulatedDevice> StartDeviceAsync(string deviceId, string kind = DeviceKinds.Light)
    {
        var device = NewDevice(deviceId, kind);
        using var timeout = new CancellationTokenSource(Patience);
        await device.StartAsync(timeout.Token);
        return device;
    }

    internal async Task<ControllerProbe> ConnectProbeAsync(int? port = null)
    {
        var probe = await ControllerProbe.ConnectAsync(port ?? Broker.Port);
        _owned.Add(probe);
        return probe;
    }

    /// <summary>Polls a condition that has no event of its own (such as <see cref="SimulatedDevice.IsConnected"/>).</summary>
    protected static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }
}
