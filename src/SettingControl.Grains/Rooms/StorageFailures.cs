using Microsoft.Extensions.Logging;
using SettingControl.Contracts;
using SettingControl.Contracts.Storage;

namespace SettingControl.Grains.Rooms;

/// <summary>What a room tells its caller and its log when storage refuses a write.</summary>
internal static class StorageFailures
{
    /// <summary>The reason in words a therapist can act on, found anywhere in the failure's chain.</summary>
    public static string PlainReason(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is StorageUnavailableException refused)
            {
                return refused.PlainReason;
            }

            if (e is Orleans.Storage.InconsistentStateException)
            {
                return "the room was changed elsewhere at the same moment; try again";
            }
        }

        return "the database refused the write";
    }

    public static CommandResult Refused(string reason) =>
        new(CommandOutcome.StorageUnavailable, null, [new FieldError("storage", $"The change was not saved: {reason}. Nothing was changed.")]);
}

/// <summary>
/// A full disk fails every write of every room each second: the first failure of a reason is logged whole, its
/// repeats for a minute only at Debug, so the log does not fill what is already full.
/// </summary>
internal sealed class StorageFailureLog
{
    private static readonly TimeSpan QuietFor = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private (string Reason, DateTimeOffset At)? _logged;

    public StorageFailureLog(ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    public void Log(string roomId, Exception failure, string reason, string what)
    {
        var now = _time.GetUtcNow();
        if (_logged is { } last && last.Reason == reason && now - last.At < QuietFor)
        {
            _logger.LogDebug("Room {RoomId}: {What} ({Reason}), again", roomId, what, reason);
            return;
        }

        _logged = (reason, now);
        _logger.LogError(failure, "Room {RoomId}: {What} ({Reason})", roomId, what, reason);
    }
}
