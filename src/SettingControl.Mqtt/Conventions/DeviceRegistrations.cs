using System.Text.Json;
using SettingControl.Domain;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt.Conventions;

/// <summary>A registration refused, by field, in words staff can act on; <see cref="Conflict"/> when a topic or id is taken.</summary>
public sealed record RegistrationRefusal(string Field, string Message, bool Conflict = false);

/// <summary>
/// The devices staff registered for one convention, in one JSON file in the data directory beside the broker accounts
/// (the embedded broker needs them before the silo is up, as it needs the accounts). Each has its own broker login,
/// whose username is the device id; removing a device revokes its login.
/// </summary>
/// <typeparam name="T">The convention's registration record.</typeparam>
public abstract class DeviceRegistrations<T>
    where T : class
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly KeptJson<T[]> _kept;
    private readonly Func<T, string> _deviceIdOf;
    private IReadOnlyList<T> _devices;

    /// <param name="document">Where the devices are kept: the data directory's file, or a cluster's shared row.</param>
    protected DeviceRegistrations(IKeptDocument document, string fileName, MqttAccountStore accounts, Func<T, string> deviceIdOf)
    {
        _kept = new KeptJson<T[]>(document, fileName, Json, () => []);
        Accounts = accounts;
        _deviceIdOf = deviceIdOf;
        _devices = _kept.Load();
    }

    /// <summary>Reads the devices again when another node changed them, and says so (<see cref="Changed"/>).</summary>
    public bool Refresh()
    {
        lock (Lock)
        {
            if (!RefreshLocked())
            {
                return false;
            }
        }

        OnChanged();
        return true;
    }

    /// <summary>Takes another node's changes (under <see cref="Lock"/>), before deciding on a change of one's own.</summary>
    protected bool RefreshLocked()
    {
        if (!_kept.TryRefresh(out var devices))
        {
            return false;
        }

        _devices = devices;
        return true;
    }

    /// <summary>Raised after a device was added or removed: the convention re-subscribes and the broker re-reads its rules.</summary>
    public event Action? Changed;

    protected Lock Lock { get; } = new();

    protected MqttAccountStore Accounts { get; }

    /// <summary>The registered devices; read it under <see cref="Lock"/> when deciding on a change.</summary>
    protected IReadOnlyList<T> Devices => _devices;

    public IReadOnlyList<T> List()
    {
        lock (Lock)
        {
            return _devices;
        }
    }

    /// <summary>Removes a device and revokes its login (its live connection is closed). False when there is no such device.</summary>
    public bool Remove(string deviceId)
    {
        lock (Lock)
        {
            RefreshLocked();
            if (_devices.All(d => _deviceIdOf(d) != deviceId))
            {
                return false;
            }

            Save(_devices.Where(d => _deviceIdOf(d) != deviceId).ToArray());
        }

        Accounts.Revoke(deviceId);
        OnChanged();
        return true;
    }

    /// <summary>Writes the devices (under <see cref="Lock"/>); call <see cref="OnChanged"/> once out of the lock.</summary>
    protected void Save(IReadOnlyList<T> devices)
    {
        _kept.Save([.. devices]);
        _devices = devices;
    }

    /// <summary>
    /// Saves the devices with a new one whose login was just issued; when another node changed the registrations at
    /// the same moment nothing is saved, so the login is withdrawn too (a retry then starts clean).
    /// </summary>
    protected void SaveWithNewLogin(IReadOnlyList<T> devices, string deviceId)
    {
        try
        {
            Save(devices);
        }
        catch (KeptDocumentConflictException)
        {
            Accounts.Revoke(deviceId);
            throw;
        }
    }

    protected void OnChanged() => Changed?.Invoke();

    /// <summary>The name trimmed; a refusal unless it is 1 to 80 characters without control characters.</summary>
    protected static string CheckName(string? name, string refusal, List<RegistrationRefusal> refusals)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > 80 || trimmed.Any(char.IsControl))
        {
            refusals.Add(new("name", refusal));
        }

        return trimmed;
    }
}
