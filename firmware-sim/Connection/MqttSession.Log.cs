using Microsoft.Extensions.Logging;

namespace SettingControl.FirmwareSim.Connection;

/// <summary>Connection events of a bridge or Tasmota light (ids 101–107; v1 devices keep theirs).</summary>
internal sealed partial class MqttSession
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{ClientId} connected to {Host}:{Port}")]
    private partial void LogConnected(string clientId, string host, int port);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "{ClientId} waiting for broker {Host}:{Port}: {Reason}")]
    private partial void LogWaitingForBroker(string clientId, string host, int port, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{ClientId} lost its broker connection; reconnecting")]
    private partial void LogConnectionLost(string clientId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "{ClientId} could not publish: {Reason}")]
    private partial void LogPublishFailed(string clientId, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "{ClientId} stopped (offline published)")]
    private partial void LogStopped(string clientId);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "{ClientId} could not stop cleanly: {Reason}")]
    private partial void LogStopFailed(string clientId, string reason);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "{ClientId}: the broker refused a publish to {Topic} (not authorised); carrying on")]
    private partial void LogPublishRefused(string clientId, string topic);
}
