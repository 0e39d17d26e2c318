using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace SettingControl.FirmwareSim.Tests;

/// <summary>Routes device logs into the test's output, so a failing test shows what the device did.</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} [{logLevel}] {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; late background logs are dropped.
        }
    }
}
