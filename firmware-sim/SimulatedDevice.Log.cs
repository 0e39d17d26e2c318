using Microsoft.Extensions.Logging;
using SettingControl.DeviceProtocol;

namespace SettingControl.FirmwareSim;

/// <summary>Source-generated log messages: one line per applied command, plus lifecycle and fault events.</summary>
public sealed partial class SimulatedDevice
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{DeviceId} connected to {Host}:{Port} and announced")]
    private partial void LogConnected(string deviceId, string host, int port);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{DeviceId} waiting for broker {Host}:{Port}: {Reason}")]
    private partial void LogWaitingForBroker(string deviceId, string host, int port, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{DeviceId} lost its broker connection; reconnecting")]
    private partial void LogConnectionLost(string deviceId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{DeviceId} applied {CommandId}: {Change} over {TransitionMs} ms")]
    private partial void LogCommandApplied(string deviceId, string commandId, string change, int transitionMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{DeviceId} ignored duplicate command {CommandId}")]
    private partial void LogDuplicateCommand(string deviceId, string commandId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{DeviceId} ignored a malformed set ({Reason}): {Detail}")]
    private partial void LogMalformedCommand(string deviceId, DropReason reason, string? detail);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "{DeviceId} dropped a set (fault switch DropCommands)")]
    private partial void LogCommandDropped(string deviceId);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "{DeviceId} could not publish state: {Reason}")]
    private partial void LogPublishFailed(string deviceId, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "{DeviceId} stopped (offline published)")]
    private partial void LogStopped(string deviceId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "{DeviceId} could not stop cleanly: {Reason}")]
    private partial void LogStopFailed(string deviceId, string reason);

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
