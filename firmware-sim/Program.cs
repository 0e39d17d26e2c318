using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SettingControl.FirmwareSim;

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

IReadOnlyList<SimulatedDeviceOptions> deviceOptions;
try
{
    deviceOptions = cli.ToDeviceOptions();
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"firmware-sim: {ex.Message}");
    return 2;
}

using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Information)
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss.fff ";
    }));
var log = loggerFactory.CreateLogger("firmware-sim");

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

await using var fleet = new DeviceFleet(deviceOptions, TimeProvider.System, loggerFactory);
foreach (var device in fleet.Devices)
{
    device.DropCommands = cli.DropCommands;
    device.CommandDelay = cli.CommandDelay;
    device.GoOfflineAfter = cli.OfflineAfter;
}

log.LogInformation(
    "Simulating {Count} devices on {Host}:{Port} under '{BaseTopic}'",
    fleet.Devices.Count,
    cli.BrokerHost,
    cli.BrokerPort,
    cli.BaseTopic);

try
{
    // Started one by one rather than with StartAllAsync: a device that --offline-after takes down before it ever
    // connected must not end the whole simulator.
    await Task.WhenAll(fleet.Devices.Select(async device =>
    {
        try
        {
            await device.StartAsync(stop.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            log.LogWarning("{DeviceId} went offline before it first connected", device.DeviceId);
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
        for (var i = 0; i < fleet.Devices.Count; i++)
        {
            try
            {
                await fleet.Devices[i].SendGarbageAsync(cli.Garbage, seed: i + 1);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Typically the device is down (--offline-after); the simulator keeps running.
                log.LogWarning("{DeviceId}: no garbage sent: {Reason}", fleet.Devices[i].DeviceId, ex.Message);
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
await fleet.StopAllAsync();
return 0;

async Task RebootLaterAsync(TimeSpan after)
{
    try
    {
        await Task.Delay(after, stop.Token);
        log.LogInformation("Rebooting all devices (--reboot-after).");
        await Task.WhenAll(fleet.Devices.Select(d => d.RebootAsync()));
    }
    catch (OperationCanceledException)
    {
        // Stopped before or during the reboot.
    }
}
