using SettingControl.Host;

// `migrate`: create or upgrade the cluster database's schema and exit (docs/cluster.md); any other start runs a node.
if (args.Length > 0 && args[0] == "migrate")
{
    return await SchemaMigration.RunAsync(args[1..]);
}

WebApplication app;
try
{
    app = SettingControlApp.Build(args);
    await app.StartAsync();
}
catch (StartupRefusedException refused)
{
    // One plain line for the operator and a non-zero exit code for the service manager; no stack trace.
    Console.Error.WriteLine(refused.Message);
    return 2;
}
catch (Exception failed)
{
    // Anything else that stops the start (the MQTT port taken, a bad certificate): the host has logged the detail.
    Console.Error.WriteLine($"SettingControl cannot start: {failed.Message}");
    return 2;
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
