using SettingControl.Contracts;
using SettingControl.Host.Security;

namespace SettingControl.Host.Services;

/// <summary>Configuration section <c>Facility</c>.</summary>
public sealed class FacilityOptions
{
    public const string Section = "Facility";

    /// <summary>
    /// The facility's time zone as an IANA id (<c>Facility:TimeZone</c>, e.g. <c>Europe/Berlin</c>): session exports
    /// give their times in it. Empty: the machine's own zone (its <c>TZ</c>).
    /// </summary>
    public string? TimeZone { get; set; }
}

/// <summary>
/// Session exports in the facility's local time, to the second, with the offset written out
/// (<c>2026-12-03T09:15:02+01:00</c>): what a clinician checks a record against is the clock on the wall, and the
/// stored record's ticks (seven decimal places of UTC) mean nothing on paper. The record itself, and the API that
/// serves it to the page, keep the exact UTC times; the event sequence keeps the order.
/// </summary>
public sealed class ExportTimes(TimeZoneInfo zone)
{
    public static ExportTimes From(FacilityOptions options) =>
        string.IsNullOrWhiteSpace(options.TimeZone)
            ? new ExportTimes(TimeZoneInfo.Local)
            : TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone.Trim(), out var zone)
                ? new ExportTimes(zone)
                : throw new StartupRefusedException(
                    $"SettingControl cannot start: Facility:TimeZone '{LogValue.Of(options.TimeZone)}' is not a time zone this machine knows; use an IANA id such as Europe/Berlin.");

    public TimeZoneInfo Zone { get; } = zone;

    public DateTimeOffset Local(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        return local.AddTicks(-(local.Ticks % TimeSpan.TicksPerSecond));
    }

    public DateTimeOffset? Local(DateTimeOffset? at) => at is { } value ? Local(value) : null;

    /// <summary>The record with every time in the facility's zone, to the second.</summary>
    public SessionRecordDto Localise(SessionRecordDto record) => record with
    {
        StartedAt = Local(record.StartedAt),
        EndedAt = Local(record.EndedAt),
        Phases = [.. record.Phases.Select(p => p with { StartedAt = Local(p.StartedAt), EndsAt = Local(p.EndsAt) })],
        Events = [.. record.Events.Select(e => e with { At = Local(e.At) })],
    };
}
