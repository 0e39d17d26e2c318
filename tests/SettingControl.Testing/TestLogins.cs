namespace SettingControl.Testing;

/// <summary>
/// The logins every host a test or the benchmark starts is given in demo mode: the admin API key (Demo:ApiKey, new
/// for each test process) and the demo accounts' password (Demo:Password); and where their data directories go.
/// </summary>
public static class TestLogins
{
    public static string ApiKey { get; } = "test-" + Guid.NewGuid().ToString("N");

    public const string DemoPassword = "demo-password-for-tests";

    public static string NewDataDirectory() =>
        Path.Combine(Path.GetTempPath(), "settingcontrol-tests", "host-" + Guid.NewGuid().ToString("N"));
}
