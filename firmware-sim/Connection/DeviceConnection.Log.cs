using Microsoft.Extensions.Logging;

namespace SettingControl.FirmwareSim.Connection;

/// <summary>Connection events, with the event ids they had when they were the device's (the device's other events keep theirs).</summary>
internal sealed partial class DeviceConnection
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{DeviceId} connected to {Host}:{Port} and announced")]
    private partial void LogConnected(string deviceId, string host, int port);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{DeviceId} waiting for broker {Host}:{Port}: {Reason}")]
    private partial void LogWaitingForBroker(string deviceId, string host, int port, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{DeviceId} lost its broker connection; reconnecting")]
    private partial void LogConnectionLost(string deviceId);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "{DeviceId} could not publish state: {Reason}")]
    private partial void LogPublishFailed(string deviceId, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "{DeviceId} stopped (offline published)")]
    private partial void LogStopped(string deviceId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "{DeviceId} could not stop cleanly: {Reason}")]
    private partial void LogStopFailed(string deviceId, string reason);
}
