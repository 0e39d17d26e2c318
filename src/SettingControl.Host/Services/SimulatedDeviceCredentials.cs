using System.Text.Json;
using SettingControl.Mqtt.Security;

namespace SettingControl.Host.Services;

/// <summary>
/// With <c>--simulate N</c> the simulated devices get broker accounts like real ones. Their passwords are kept in
/// <see cref="FileName"/> in the data directory (0600) so that a restarted host, or a separate
/// <c>firmware-sim --credentials-file</c>, keeps using them; a device whose account is missing is issued a new one.
/// </summary>
public static class SimulatedDeviceCredentials
{
    public const string FileName = "simulated-device-credentials.json";

    public static IReadOnlyDictionary<string, string> Ensure(MqttAccountStore accounts, string dataDirectory, IReadOnlyCollection<string> deviceIds)
    {
        var known = Load(dataDirectory);
        var missing = deviceIds.Where(id => !known.ContainsKey(id) || !accounts.Has(id)).ToArray();
        if (missing.Length == 0)
        {
            return known;
        }

        foreach (var (id, password) in accounts.IssueDevices(missing))
        {
            known[id] = password;
        }

        Save(dataDirectory, known);
        return known;
    }

    /// <summary>
    /// The password of a scoped login (a simulated bridge's or Tasmota's): <paramref name="issued"/> when it was just
    /// registered, else the one kept here while the account exists, else a fresh one from <paramref name="reissue"/>.
    /// </summary>
    public static string EnsureLogin(MqttAccountStore accounts, string dataDirectory, string username, string? issued, Func<string> reissue)
    {
        var known = Load(dataDirectory);
        if (issued is null && known.TryGetValue(username, out var kept) && accounts.Has(username))
        {
            return kept;
        }

        known[username] = issued ?? reissue();
        Save(dataDirectory, known);
        return known[username];
    }

    private static Dictionary<string, string> Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
    }

    private static void Save(string dataDirectory, Dictionary<string, string> known) =>
        SecretFiles.WriteAllText(Path.Combine(dataDirectory, FileName), JsonSerializer.Serialize(known, new JsonSerializerOptions { WriteIndented = true }));
}
