using System.Text.Json;
using SettingControl.Contracts;
using SettingControl.Contracts.Storage;
using SettingControl.Domain.Sessions;

namespace SettingControl.Grains;

/// <summary>
/// A session record as a journal stream named by the session id: one header entry when the session starts, one
/// entry per event, one when it ends. Entries are appended, never rewritten, so a long session costs the same per
/// event at its end as at its start.
/// </summary>
public static class SessionJournal
{
    public const string HeaderKind = "header";
    public const string EventKind = "event";
    public const string EndedKind = "ended";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Begin(RoomState state, SessionRecordDto header) =>
        state.Journal(header.SessionId, HeaderKind, JsonSerializer.Serialize(header with { Events = [], EndedAt = null }, Json));

    public static void Append(RoomState state, string sessionId, SessionEventDto e) =>
        state.Journal(sessionId, EventKind, JsonSerializer.Serialize(e, Json));

    public static void End(RoomState state, string sessionId, DateTimeOffset endedAt) =>
        state.Journal(sessionId, EndedKind, JsonSerializer.Serialize(endedAt, Json));

    /// <summary>
    /// The record from its entries, numbered 1, 2, 3 … in the order written. A record begun before the journal existed
    /// (stored whole as <paramref name="earlier"/>) keeps its events first.
    /// </summary>
    public static SessionRecordDto? Read(IReadOnlyList<JournalEntry> entries, SessionRecordDto? earlier)
    {
        var header = earlier;
        var events = new List<SessionEventDto>(earlier?.Events ?? []);
        var endedAt = earlier?.EndedAt;
        foreach (var entry in entries)
        {
            switch (entry.Kind)
            {
                case HeaderKind:
                    header ??= JsonSerializer.Deserialize<SessionRecordDto>(entry.Payload, Json);
                    break;
                case EventKind when JsonSerializer.Deserialize<SessionEventDto>(entry.Payload, Json) is { } e:
                    events.Add(e);
                    break;
                case EndedKind:
                    endedAt = JsonSerializer.Deserialize<DateTimeOffset>(entry.Payload, Json);
                    break;
            }
        }

        if (header is null)
        {
            return null;
        }

        var numbered = new SessionEventDto[events.Count];
        for (var i = 0; i < numbered.Length; i++)
        {
            numbered[i] = events[i] with { Sequence = i + 1 };
        }

        return header with { EndedAt = endedAt, Events = numbered, Phases = PhaseTimes(header.Phases, numbered, endedAt) };
    }

    /// <summary>
    /// The protocol's phases as the session went through them: when each began and ended, read from the record's
    /// phase-started entries (a phase entered twice, by a jump back, shows its last visit); phases never reached keep
    /// no times. The header is written before the session runs, so it cannot know them.
    /// </summary>
    private static PhasePlanDto[] PhaseTimes(IReadOnlyList<PhasePlanDto> phases, IReadOnlyList<SessionEventDto> events, DateTimeOffset? endedAt)
    {
        var times = phases.ToArray();
        int? current = null;
        foreach (var e in events)
        {
            if (e.Type != RoomEventTypes.PhaseStarted)
            {
                continue;
            }

            if (current is { } previous)
            {
                times[previous] = times[previous] with { EndsAt = e.At };
            }

            var index = Array.FindIndex(times, p => p.Name == e.Phase);
            current = index >= 0 ? index : null;
            if (current is { } started)
            {
                times[started] = times[started] with { StartedAt = e.At, EndsAt = null };
            }
        }

        if (current is { } last && endedAt is { } end)
        {
            times[last] = times[last] with { EndsAt = end };
        }

        return times;
    }
}
