using Microsoft.Extensions.Logging;
using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim;

/// <summary>
/// Source-generated log messages: one line per applied command, plus lifecycle and fault events. The connection's own
/// events (ids 1-3, 8-10) are in <see cref="Connection.DeviceConnection"/>.
/// </summary>
public sealed partial class SimulatedDevice
{
    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{DeviceId} applied {CommandId}: {Change} over {TransitionMs} ms")]
    private partial void LogCommandApplied(string deviceId, string? commandId, string change, int transitionMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{DeviceId} ignored duplicate command {CommandId}")]
    private partial void LogDuplicateCommand(string deviceId, string? commandId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{DeviceId} ignored a malformed set ({Reason}): {Detail}")]
    private partial void LogMalformedCommand(string deviceId, DropReason reason, string? detail);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "{DeviceId} dropped a set (fault switch DropCommands)")]
    private partial void LogCommandDropped(string deviceId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "{DeviceId} crashed (connection dropped without DISCONNECT)")]
    private partial void LogCrashed(string deviceId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "{DeviceId} rebooting to factory state")]
    private partial void LogRebooting(string deviceId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "{DeviceId} going offline (fault switch GoOfflineAfter)")]
    private partial void LogGoingOffline(string deviceId);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "{DeviceId} sent {Count} garbage payloads and restored its retained topics")]
    private partial void LogGarbageSent(string deviceId, int count);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "{DeviceId} StateChanged handler failed")]
    private partial void LogStateChangedHandlerFailed(string deviceId, Exception exception);
}
