namespace SettingControl.Contracts;

/// <summary>
/// Which session records exist and which room each belongs to (one grain, key <see cref="Key"/>). The host
/// keeps a copy in memory and answers an unknown session id with 404 without touching a record grain, so
/// random ids cannot make the silo activate (and keep in memory) a grain per id.
/// </summary>
[Alias("sc.ISessionDirectoryGrain")]
public interface ISessionDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "sessions";

    /// <summary>Every known session id and its room.</summary>
    [Alias("List")]
    Task<IReadOnlyDictionary<string, string>> List();

    /// <summary>Adds sessions (session id → room id); ids already known are left as they are.</summary>
    [Alias("Add")]
    Task Add(IReadOnlyDictionary<string, string> sessions);
}
