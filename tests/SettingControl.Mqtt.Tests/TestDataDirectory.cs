using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Tests;

/// <summary>A data directory of one test's own, with its broker accounts (cheap hashes), deleted afterwards.</summary>
internal sealed class TestDataDirectory : IDisposable
{
    public TestDataDirectory(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), purpose, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Accounts = new MqttAccountStore(Path, "settingcontrol-controller", iterations: 10);
    }

    public string Path { get; }

    public MqttAccountStore Accounts { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
