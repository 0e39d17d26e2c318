using Microsoft.Extensions.Options;
using SettingControl.FirmwareSim;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.FirmwareSim.Wire.Tasmota;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions.HomeAssistantJson;
using SettingControl.Mqtt.Conventions.Tasmota;
using SettingControl.Mqtt.Security;

namespace SettingControl.Host.Services;

/// <summary>
/// With <c>--simulate N</c>, runs the firmware-sim devices of room-1 … room-N inside the host, against
/// the same broker the controller uses, so one command gives a newcomer a working facility.
/// <c>Simulation:RunDevices=false</c> seeds the rooms but leaves the devices to someone else (tests). With
/// <c>--simulate-mix</c> the rooms mix conventions (<see cref="SimulatedMix"/>): a bridge, Tasmota dimmers and ESPHome
/// lamps run beside the v1 masks.
/// </summary>
public sealed class SimulationService(
    IOptions<SimulationOptions> simulation,
    IOptions<MqttOptions> mqtt,
    IOptions<StorageOptions> storage,
    MqttAccountStore accounts,
    BridgeDirectory bridges,
    TasmotaDirectory tasmota,
    JsonLightDirectory lamps,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    ILogger<SimulationService> logger) : IHostedService, IAsyncDisposable
{
    private readonly List<SimulatedClient> _otherClients = [];
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
        IReadOnlyList<SimulatedDeviceOptions> devices;
        if (options.Mix)
        {
            var logins = SimulatedMix.EnsureLogins(options.Rooms, bridges, tasmota, lamps, accounts, storage.Value.DataDirectory, time);
            if (!options.RunDevices)
            {
                return Task.CompletedTask;
            }

            var plan = MixedFacility.ForRooms(options.Rooms, broker.ConnectHost, broker.Port, id => logins.TryGetValue(id, out var l) ? (l.User, l.Password) : (null, null));
            _otherClients.Add(new Zigbee2MqttBridge(plan.Bridge with { Broker = WithTls(plan.Bridge.Broker, broker) }, time, loggerFactory.CreateLogger<Zigbee2MqttBridge>()));
            _otherClients.AddRange(plan.TasmotaLights.Select(light =>
                new SimulatedTasmotaLight(light with { Broker = WithTls(light.Broker, broker) }, time, loggerFactory.CreateLogger<SimulatedTasmotaLight>())));
            _otherClients.AddRange(plan.JsonLights.Select(lamp =>
                new SimulatedJsonLight(lamp with { Broker = WithTls(lamp.Broker, broker) }, time, loggerFactory.CreateLogger<SimulatedJsonLight>())));
            devices = plan.V1Devices;
        }
        else
        {
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

            devices = SimulatedFacility.ForRooms(
                options.Rooms,
                broker.ConnectHost,
                broker.Port,
                broker.BaseTopic,
                id => passwords.TryGetValue(id, out var password) ? (id, password) : (null, null));
        }

        _fleet = new DeviceFleet(broker.UseTls ? devices.Select(d => WithTls(d, broker)) : devices, TimeProvider.System, loggerFactory);
        _stopping = new CancellationTokenSource();

        // Devices connect in the background, as real ones would: the host does not wait for them.
        _starting = Task.Run(async () =>
        {
            try
            {
                await _fleet.StartAllAsync(_stopping.Token);
                foreach (var client in _otherClients)
                {
                    await client.StartAsync(_stopping.Token);
                }

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

    private static MqttEndpoint WithTls(MqttEndpoint endpoint, MqttOptions broker) =>
        broker.UseTls ? endpoint with { UseTls = true, CaFile = broker.CaFile } : endpoint;

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
        await Task.WhenAll(_otherClients.Select(c => c.StopAsync())).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }

        foreach (var client in _otherClients)
        {
            await client.DisposeAsync();
        }

        _stopping?.Dispose();
    }
}
