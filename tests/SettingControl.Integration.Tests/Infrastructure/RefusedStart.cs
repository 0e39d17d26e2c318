using System.Diagnostics;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// The host started as its own process, as a service manager starts it, in a situation where it must refuse to
/// start: what it printed and the exit code it gave. Fails the test if it is still running after a minute.
/// </summary>
public static class RefusedStart
{
    public sealed record Outcome(int ExitCode, string StandardError, string AllOutput)
    {
        public string[] ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <param name="situation">How the host was started, for the failure message ("on a read-only data directory").</param>
    public static async Task<Outcome> RunAsync(string situation, string dataDirectory, params string[] settings)
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
            $"--Storage:DataDirectory={dataDirectory}",
            $"--Mqtt:Port={FreePorts.Next()}",
            $"--Orleans:SiloPort={FreePorts.Next()}",
            $"--Orleans:GatewayPort={FreePorts.Next()}",
        }.Concat(settings))
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
            Assert.Fail($"The host started {situation} instead of refusing.");
        }

        var errors = await stderr;
        return new Outcome(process.ExitCode, errors, errors + await stdout);
    }
}
