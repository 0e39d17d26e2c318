using Microsoft.Extensions.Logging;

namespace SettingControl.FirmwareSim;

/// <summary>Lifecycle and fault events of a bridge or Tasmota light (ids 111–119; the conventions log their commands).</summary>
public abstract partial class SimulatedClient
{
    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "{ClientId} crashed (connection dropped without DISCONNECT)")]
    private partial void LogCrashed(string clientId);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "{ClientId} restarting")]
    private partial void LogRestarting(string clientId);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "{ClientId} going offline (fault switch GoOfflineAfter)")]
    private partial void LogGoingOffline(string clientId);

    [LoggerMessage(EventId = 114, Level = LogLevel.Information, Message = "{ClientId} sent {Count} garbage payloads and restored its retained topics")]
    private partial void LogGarbageSent(string clientId, int count);

    [LoggerMessage(EventId = 115, Level = LogLevel.Debug, Message = "{ClientId} dropped a command on {Topic} (fault switch DropCommands)")]
    private partial void LogCommandDropped(string clientId, string topic);

    [LoggerMessage(EventId = 116, Level = LogLevel.Warning, Message = "{ClientId} ignored a malformed command on {What}: {Reason}")]
    private partial void LogMalformedCommand(string clientId, string what, string reason);
}
