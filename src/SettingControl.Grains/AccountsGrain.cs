using SettingControl.Contracts;

namespace SettingControl.Grains;

public sealed class AccountsState
{
    public List<UserRecord> Users { get; set; } = [];

    public List<ApiKeyRecord> Keys { get; set; } = [];

    public long Version { get; set; }

    /// <summary>Signed-out sessions (id → when their cookie expires at the latest); expired ones are pruned.</summary>
    public Dictionary<string, DateTimeOffset> SignedOutSessions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Stores accounts and API keys; every change is written before it is acknowledged.</summary>
public sealed class AccountsGrain(
    [PersistentState("accounts", StorageNames.Default)] IPersistentState<AccountsState> state) : Grain, IAccountsGrain
{
    private const int MaxSignedOutSessions = 10_000;

    public Task<AccountsSnapshot> Get() =>
        Task.FromResult(new AccountsSnapshot(
            [.. state.State.Users],
            [.. state.State.Keys],
            state.State.Version,
            new Dictionary<string, DateTimeOffset>(state.State.SignedOutSessions, StringComparer.Ordinal)));

    public async Task<bool> CreateUser(UserRecord user)
    {
        if (Find(user.Username) >= 0)
        {
            return false;
        }

        state.State.Users.Add(user);
        await Save();
        return true;
    }

    public async Task<bool> CreateFirstAdmin(UserRecord admin)
    {
        if (state.State.Users.Any(u => u.Role == Role.Admin && !u.Disabled) || Find(admin.Username) >= 0)
        {
            return false;
        }

        state.State.Users.Add(admin with { Role = Role.Admin });
        await Save();
        return true;
    }

    public async Task UpsertUser(UserRecord user)
    {
        var index = Find(user.Username);
        if (index >= 0)
        {
            state.State.Users[index] = user;
        }
        else
        {
            state.State.Users.Add(user);
        }

        await Save();
    }

    public async Task<bool> UpdateUser(UserRecord user)
    {
        var index = Find(user.Username);
        if (index < 0)
        {
            return false;
        }

        state.State.Users[index] = user;
        await Save();
        return true;
    }

    public async Task<bool> DeleteUser(string username)
    {
        var index = Find(username);
        if (index < 0)
        {
            return false;
        }

        state.State.Users.RemoveAt(index);
        await Save();
        return true;
    }

    public async Task CreateKey(ApiKeyRecord key)
    {
        state.State.Keys.Add(key);
        await Save();
    }

    public async Task<bool> RevokeKey(string keyId, DateTimeOffset at)
    {
        var index = state.State.Keys.FindIndex(k => k.KeyId == keyId);
        if (index < 0 || state.State.Keys[index].RevokedAt is not null)
        {
            return false;
        }

        state.State.Keys[index] = state.State.Keys[index] with { RevokedAt = at };
        await Save();
        return true;
    }

    public async Task SignOutSession(string sessionId, DateTimeOffset cookieExpiresBy, DateTimeOffset now)
    {
        var sessions = state.State.SignedOutSessions;
        foreach (var expired in sessions.Where(s => s.Value <= now).Select(s => s.Key).ToList())
        {
            sessions.Remove(expired);
        }

        // One entry per sign-out, and sign-ins are rate limited; the cap only bounds a long-running flood.
        // Dropping the entry that expires first re-admits at most a cookie that is nearly expired.
        while (sessions.Count >= MaxSignedOutSessions)
        {
            sessions.Remove(sessions.MinBy(s => s.Value).Key);
        }

        sessions[sessionId] = cookieExpiresBy;
        await Save();
    }

    private int Find(string username) =>
        state.State.Users.FindIndex(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));

    private async Task Save()
    {
        state.State.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Never keep in memory what storage does not have: the caller sees the failure, the grain its last stored state.
            await state.ReadStateAsync();
            throw;
        }
    }
}
