using Microsoft.Extensions.Logging;
using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim;

/// <summary>
/// Source-generated log messages: one line per applied command, plus duplicates and malformed commands. Lifecycle and
/// fault events are <see cref="SimulatedClient"/>'s, connection events <see cref="Connection.MqttSession"/>'s.
/// </summary>
public sealed partial class SimulatedDevice
{
    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{DeviceId} applied {CommandId}: {Change} over {TransitionMs} ms")]
    private static partial void LogCommandApplied(ILogger logger, string deviceId, string? commandId, string change, int transitionMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{DeviceId} ignored duplicate command {CommandId}")]
    private static partial void LogDuplicateCommand(ILogger logger, string deviceId, string? commandId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{DeviceId} ignored a malformed set ({Reason}): {Detail}")]
    private static partial void LogMalformedCommand(ILogger logger, string deviceId, DropReason reason, string? detail);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "{DeviceId} StateChanged handler failed")]
    private static partial void LogStateChangedHandlerFailed(ILogger logger, string deviceId, Exception exception);
}
