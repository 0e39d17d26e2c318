using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SettingControl.FirmwareSim;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.FirmwareSim.Wire.Tasmota;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

if (!CommandLine.TryParse(args, out var cli, out var error))
{
    Console.Error.WriteLine($"firmware-sim: {error}");
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}

if (cli.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Information)
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss.fff ";
    }));
var log = loggerFactory.CreateLogger("firmware-sim");

// v1 devices, one Zigbee2MQTT bridge, Tasmota lights or JSON lights: all are SimulatedClients with the same lifecycle and faults.
IReadOnlyList<SimulatedClient> clients;
try
{
    clients = cli.ToClients(TimeProvider.System, loggerFactory);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"firmware-sim: {ex.Message}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Keep the process alive long enough to publish "offline" and disconnect cleanly.
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

foreach (var client in clients)
{
    client.DropCommands = cli.DropCommands;
    client.CommandDelay = cli.CommandDelay;
    client.GoOfflineAfter = cli.OfflineAfter;
}

switch (clients)
{
    case [Zigbee2MqttBridge bridge]:
        log.LogInformation(
            "Simulating a Zigbee2MQTT bridge with {Count} bulbs on {Host}:{Port} under '{BaseTopic}'",
            bridge.Bulbs.Count,
            cli.BrokerHost,
            cli.BrokerPort,
            bridge.BaseTopic);
        break;
    case [SimulatedTasmotaLight, ..]:
        log.LogInformation("Simulating {Count} Tasmota lights on {Host}:{Port}", clients.Count, cli.BrokerHost, cli.BrokerPort);
        break;
    case [SimulatedJsonLight, ..]:
        log.LogInformation("Simulating {Count} Home Assistant JSON lights on {Host}:{Port}", clients.Count, cli.BrokerHost, cli.BrokerPort);
        break;
    default:
        log.LogInformation(
            "Simulating {Count} devices on {Host}:{Port} under '{BaseTopic}'",
            clients.Count,
            cli.BrokerHost,
            cli.BrokerPort,
            cli.BaseTopic);
        break;
}

try
{
    // Started one by one rather than with StartAllAsync: a device that --offline-after takes down before it ever
    // connected must not end the whole simulator.
    await Task.WhenAll(clients.Select(async client =>
    {
        try
        {
            await client.StartAsync(stop.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            log.LogWarning("{ClientId} went offline before it first connected", client.ClientId);
        }
    }));
    stop.Token.ThrowIfCancellationRequested();
    log.LogInformation("All devices started. Press Ctrl+C to stop.");

    if (cli.RebootAfter is { } rebootAfter)
    {
        _ = RebootLaterAsync(rebootAfter);
    }

    if (cli.Garbage > 0)
    {
        for (var i = 0; i < clients.Count; i++)
        {
            try
            {
                await clients[i].SendGarbageAsync(cli.Garbage, seed: i + 1);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Typically the client is down (--offline-after); the simulator keeps running.
                log.LogWarning("{ClientId}: no garbage sent: {Reason}", clients[i].ClientId, ex.Message);
            }
        }
    }

    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C or SIGTERM.
}

log.LogInformation("Stopping: publishing offline and disconnecting.");
await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
return 0;

async Task RebootLaterAsync(TimeSpan after)
{
    try
    {
        await Task.Delay(after, stop.Token);
        log.LogInformation("Rebooting all devices (--reboot-after).");
        await Task.WhenAll(clients.Select(c => c.RebootAsync()));
    }
    catch (OperationCanceledException)
    {
        // Stopped before or during the reboot.
    }
}
