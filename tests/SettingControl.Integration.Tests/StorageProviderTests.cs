using SettingControl.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SettingControl.Integration.Tests;

/// <summary><c>Storage:Provider</c> chooses the grain storage; a name the host does not know stops it at once, plainly.</summary>
public sealed class StorageProviderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_unknown_storage_provider_stops_the_host_at_start_with_one_line_naming_the_known_ones()
    {
        var data = Path.Combine(Path.GetTempPath(), "settingcontrol-tests", $"provider-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        try
        {
            var started = await RefusedStart.RunAsync("with an unknown storage provider", data, "--Storage:Provider=cassandra\u001b[2J");

            var all = started.AllOutput;
            output.WriteLine(all);
            Assert.Equal(2, started.ExitCode);
            var line = Assert.Single(started.ErrorLines);
            Assert.StartsWith("SettingControl cannot start: Storage:Provider 'cassandra", line);
            Assert.EndsWith("is not a storage it knows; use one of: sqlite.", line);
            Assert.DoesNotContain("\u001b", all);
            Assert.DoesNotContain("   at ", all);
            Assert.False(File.Exists(Path.Combine(data, "settingcontrol.db")), "nothing was stored");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
