using SettingControl.Host;

try
{
    var app = SettingControlApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (StartupRefusedException refused)
{
    // One plain line for the operator and a non-zero exit code for the service manager; no stack trace.
    Console.Error.WriteLine(refused.Message);
    return 2;
}
