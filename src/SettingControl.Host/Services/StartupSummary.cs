using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Mqtt;

namespace SettingControl.Host.Services;

/// <summary>
/// The few lines someone starting the facility needs, printed once it is ready and after everything else the start
/// printed: where the dashboard is, which broker the devices use, where the data lives, how many rooms there are, and
/// (in demo mode) how to sign in, last, so it is the line on screen.
/// </summary>
public sealed class StartupSummary(
    IHostApplicationLifetime lifetime,
    IServer server,
    IGrainFactory grains,
    IOptions<MqttOptions> mqtt,
    IOptions<StorageOptions> storage,
    IOptions<SimulationOptions> simulation,
    AccountBootstrapper accounts,
    ILogger<StartupSummary> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = PrintAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task PrintAsync()
    {
        try
        {
            var rooms = (await grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).ListRooms()).Count;
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var broker = mqtt.Value.Mode == BrokerMode.Embedded
                ? $"embedded, on {mqtt.Value.BindAddress}:{mqtt.Value.Port}"
                : $"external, {mqtt.Value.Host}:{mqtt.Value.Port}";
            var simulated = simulation.Value.Rooms > 0
                ? $" ({simulation.Value.Rooms} simulated{(simulation.Value.Mix ? ", mixing Zigbee2MQTT, Tasmota, Home Assistant JSON and v1 devices" : string.Empty)})"
                : string.Empty;

            logger.LogInformation(
                "SettingControl is ready\n  Dashboard:      {Addresses}\n  Device broker:  {Broker}\n  Data directory: {DataDirectory}\n  Rooms:          {Rooms}{Simulated}",
                string.Join(", ", addresses),
                broker,
                Path.GetFullPath(storage.Value.DataDirectory),
                rooms,
                simulated);
            if (accounts.DemoSignIn is { } demo)
            {
                logger.LogWarning("{DemoSignIn}", demo);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning("SettingControl is ready; the start-up summary could not be read: {Reason}", ex.Message);
        }
    }
}
