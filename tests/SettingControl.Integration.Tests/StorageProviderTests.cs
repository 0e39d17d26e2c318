using System.Diagnostics;
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
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "SettingControl.Host.dll"),
                $"--urls=http://127.0.0.1:{FreePorts.Next()}",
                $"--Storage:DataDirectory={data}",
                "--Storage:Provider=cassandra\u001b[2J",
                $"--Mqtt:Port={FreePorts.Next()}",
                $"--Orleans:SiloPort={FreePorts.Next()}",
                $"--Orleans:GatewayPort={FreePorts.Next()}",
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("The host started with an unknown storage provider instead of refusing.");
            }

            var errors = await stderr;
            var all = errors + await stdout;
            output.WriteLine(all);
            Assert.Equal(2, process.ExitCode);
            var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
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
