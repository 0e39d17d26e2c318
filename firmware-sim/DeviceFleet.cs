using Microsoft.Extensions.Logging;

namespace SettingControl.FirmwareSim;

/// <summary>A set of simulated devices started, stopped and disposed together.</summary>
public sealed class DeviceFleet : IAsyncDisposable
{
    private readonly Dictionary<string, SimulatedDevice> _byId;

    /// <param name="devices">One entry per device; ids must be unique.</param>
    /// <param name="time">Shared by all devices (fades, fault timers).</param>
    /// <param name="loggerFactory">Each device logs under the category <c>SettingControl.FirmwareSim.SimulatedDevice</c>.</param>
    public DeviceFleet(IEnumerable<SimulatedDeviceOptions> devices, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var logger = loggerFactory?.CreateLogger<SimulatedDevice>();
        Devices = devices.Select(options => new SimulatedDevice(options, time, logger)).ToArray();
        _byId = new Dictionary<string, SimulatedDevice>(StringComparer.Ordinal);
        foreach (var device in Devices)
        {
            if (!_byId.TryAdd(device.DeviceId, device))
            {
                throw new ArgumentException($"Device id '{device.DeviceId}' appears more than once.", nameof(devices));
            }
        }
    }

    public IReadOnlyList<SimulatedDevice> Devices { get; }

    /// <exception cref="KeyNotFoundException">No device has that id.</exception>
    public SimulatedDevice this[string deviceId] => _byId.TryGetValue(deviceId, out var device)
        ? device
        : throw new KeyNotFoundException($"No simulated device '{deviceId}'.");

    /// <summary>Starts every device in parallel; completes when all are connected and announced.</summary>
    public Task StartAllAsync(CancellationToken ct = default) => Task.WhenAll(Devices.Select(d => d.StartAsync(ct)));

    /// <summary>Stops every device gracefully (retained <c>offline</c>, then DISCONNECT).</summary>
    public Task StopAllAsync() => Task.WhenAll(Devices.Select(d => d.StopAsync()));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Devices.Select(d => d.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
