using Microsoft.Extensions.Options;
using SettingControl.FirmwareSim;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Security;

namespace SettingControl.Host.Services;

/// <summary>
/// With <c>--simulate N</c>, runs the firmware-sim devices of room-1 … room-N inside the host, against
/// the same broker the controller uses, so one command gives a newcomer a working facility.
/// <c>Simulation:RunDevices=false</c> seeds the rooms but leaves the devices to someone else (tests).
/// </summary>
public sealed class SimulationService(
    IOptions<SimulationOptions> simulation,
    IOptions<MqttOptions> mqtt,
    IOptions<StorageOptions> storage,
    MqttAccountStore accounts,
    ILoggerFactory loggerFactory,
    ILogger<SimulationService> logger) : IHostedService, IAsyncDisposable
{
    private DeviceFleet? _fleet;
    private Task? _starting;
    private CancellationTokenSource? _stopping;

    public DeviceFleet? Fleet => _fleet;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = simulation.Value;
        if (options.Rooms <= 0)
        {
            return Task.CompletedTask;
        }

        var broker = mqtt.Value;
        IReadOnlyDictionary<string, string> passwords = new Dictionary<string, string>();
        if (options.ProvisionCredentials)
        {
            var ids = SimulatedFacility.ForRooms(options.Rooms, broker.ConnectHost, broker.Port).Select(d => d.DeviceId).ToArray();
            passwords = SimulatedDeviceCredentials.Ensure(accounts, storage.Value.DataDirectory, ids);
        }

        if (!options.RunDevices)
        {
            return Task.CompletedTask;
        }

        var devices = SimulatedFacility.ForRooms(
            options.Rooms,
            broker.ConnectHost,
            broker.Port,
            broker.BaseTopic,
            id => passwords.TryGetValue(id, out var password) ? (id, password) : (null, null));
        _fleet = new DeviceFleet(broker.UseTls ? devices.Select(d => WithTls(d, broker)) : devices, TimeProvider.System, loggerFactory);
        _stopping = new CancellationTokenSource();

        // Devices connect in the background, as real ones would: the host does not wait for them.
        _starting = Task.Run(async () =>
        {
            try
            {
                await _fleet.StartAllAsync(_stopping.Token);
                logger.LogInformation("Simulated devices running: {Count} devices in {Rooms} rooms", _fleet.Devices.Count, options.Rooms);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Simulated devices failed to start");
            }
        });
        return Task.CompletedTask;
    }

    /// <summary>Simulated devices reach a TLS broker the way the controller does: same CA, certificate always validated.</summary>
    private static SimulatedDeviceOptions WithTls(SimulatedDeviceOptions device, MqttOptions broker) =>
        device with { UseTls = true, CaFile = broker.CaFile };

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_fleet is null)
        {
            return;
        }

        await _stopping!.CancelAsync();
        if (_starting is not null)
        {
            await _starting.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await _fleet.StopAllAsync().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }

        _stopping?.Dispose();
    }
}
