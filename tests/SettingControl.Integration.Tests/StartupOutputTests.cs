using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// What a newcomer sees in the console when the facility starts (README's first command): a short start, then a
/// summary of where everything is, and the demo sign-in as the very last line, with the password kept in the data
/// directory.
/// </summary>
public sealed class StartupOutputTests
{
    [Fact]
    public async Task The_start_is_short_and_ends_with_the_summary_and_the_demo_sign_in()
    {
        var logs = new CapturedLogs();
        var dataDirectory = HostUnderTest.NewDataDirectory();

        // The levels a plain `dotnet run` has (the tests otherwise start at Warning), and no configured demo password.
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:SettingControl"] = "Information",
            ["Demo:Password"] = string.Empty,
        };
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 3, dataDirectory: dataDirectory, extra: settings, logs: logs, logsAsShown: true);
        await Eventually.TrueAsync(() => Task.FromResult(logs.Entries.Any(e => e.Contains("Demo sign-in:", StringComparison.Ordinal))), TimeSpan.FromSeconds(15), "the demo sign-in printed");

        var entries = logs.Entries.ToArray();
        var ready = Array.FindIndex(entries, e => e.Contains("SettingControl is ready", StringComparison.Ordinal));
        var signIn = Array.FindIndex(entries, e => e.Contains("Demo sign-in:", StringComparison.Ordinal));
        Assert.True(ready >= 0 && signIn == ready + 1, "the summary, then the sign-in:\n" + string.Join('\n', entries));
        Assert.True(signIn < 25, $"{signIn + 1} log entries before the sign-in line:\n" + string.Join('\n', entries.Take(signIn + 1)));
        Assert.DoesNotContain(entries.Take(signIn + 1), e => e.StartsWith("Information Orleans", StringComparison.Ordinal) || e.StartsWith("Information Polly", StringComparison.Ordinal) || e.StartsWith("Information Microsoft", StringComparison.Ordinal));

        var password = File.ReadAllText(Path.Combine(dataDirectory, "demo-password")).Trim();
        Assert.Contains($"with password {password}", entries[signIn], StringComparison.Ordinal);
        Assert.Contains($"Dashboard:      {host.BaseUrl.ToString().TrimEnd('/')}", entries[ready], StringComparison.Ordinal);
        Assert.Contains("Rooms:          3 (3 simulated)", entries[ready], StringComparison.Ordinal);
        using var signedIn = await host.SignInAsync("therapist", password);
    }
}
