using SettingControl.Contracts;

namespace SettingControl.Grains;

public sealed class SessionDirectoryState
{
    /// <summary>Session id → room id.</summary>
    public Dictionary<string, string> Sessions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The list of session records. It grows by one short entry per session (a few thousand a year in a
/// clinic), written whole when a session starts: small next to the records themselves, and read once at start.
/// </summary>
public sealed class SessionDirectoryGrain(
    [PersistentState("sessions", StorageNames.Default)] IPersistentState<SessionDirectoryState> state) : Grain, ISessionDirectoryGrain
{
    public Task<IReadOnlyDictionary<string, string>> List() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(state.State.Sessions, StringComparer.Ordinal));

    public async Task Add(IReadOnlyDictionary<string, string> sessions)
    {
        var added = new List<string>();
        foreach (var (sessionId, roomId) in sessions)
        {
            if (state.State.Sessions.TryAdd(sessionId, roomId))
            {
                added.Add(sessionId);
            }
        }

        if (added.Count == 0)
        {
            return;
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Keep memory equal to what is stored; the host retries at its next start from the rooms' sessions.
            added.ForEach(id => state.State.Sessions.Remove(id));
            throw;
        }
    }
}
