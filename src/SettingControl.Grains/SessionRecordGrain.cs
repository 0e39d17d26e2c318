using SettingControl.Contracts;

namespace SettingControl.Grains;

public sealed class SessionRecordState
{
    public SessionRecordDto? Header { get; set; }

    public List<SessionEventDto> Events { get; set; } = [];

    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>
/// A session's record. Each append is written before it returns, and the room awaits it before
/// acknowledging the action, so nothing acknowledged is missing after a crash.
/// </summary>
public sealed class SessionRecordGrain(
    [PersistentState("record", StorageNames.Default)] IPersistentState<SessionRecordState> state) : Grain, ISessionRecordGrain
{
    public async Task Begin(SessionRecordDto header)
    {
        if (state.State.Header is not null)
        {
            return;
        }

        state.State.Header = header;
        await state.WriteStateAsync();
    }

    public async Task Append(IReadOnlyList<SessionEventDto> events, DateTimeOffset? endedAt)
    {
        if (state.State.Header is null)
        {
            throw new InvalidOperationException($"Session record '{this.GetPrimaryKeyString()}' was never begun.");
        }

        // Sequence numbers restart when a room's activation restarts; renumber so the record stays ordered.
        var next = state.State.Events.Count == 0 ? 1 : state.State.Events[^1].Sequence + 1;
        foreach (var e in events)
        {
            state.State.Events.Add(e with { Sequence = next++ });
        }

        state.State.EndedAt = endedAt ?? state.State.EndedAt;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Events.RemoveRange(state.State.Events.Count - events.Count, events.Count);
            throw;
        }
    }

    public Task<SessionRecordDto?> Get() => Task.FromResult(
        state.State.Header is { } header ? header with { EndedAt = state.State.EndedAt, Events = state.State.Events.ToArray() } : null);
}
