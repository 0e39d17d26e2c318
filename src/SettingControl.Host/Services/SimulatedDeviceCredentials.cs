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
        var path = Path.Combine(dataDirectory, FileName);
        var known = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
        var missing = deviceIds.Where(id => !known.ContainsKey(id) || !accounts.Has(id)).ToArray();
        if (missing.Length == 0)
        {
            return known;
        }

        foreach (var (id, password) in accounts.IssueDevices(missing))
        {
            known[id] = password;
        }

        SecretFiles.WriteAllText(path, JsonSerializer.Serialize(known, new JsonSerializerOptions { WriteIndented = true }));
        return known;
    }
}
