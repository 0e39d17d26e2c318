namespace SettingControl.Mqtt.Conventions;

/// <summary>
/// The devices of a convention whose devices staff register one by one (Tasmota, Home Assistant JSON lights), as the
/// controller hears them, kept in step with the registrations: a device still registered as it was keeps what was
/// heard of it; a new or changed one starts afresh, unknown until it says something. Looked up by device id
/// (commands) and by the topics it publishes on (messages).
/// </summary>
/// <typeparam name="TRegistration">The convention's registration record.</typeparam>
/// <typeparam name="TDevice">What the convention keeps of a registered device while it runs.</typeparam>
internal sealed class RegisteredDevices<TRegistration, TDevice>
    where TRegistration : class
    where TDevice : class
{
    private readonly DeviceRegistrations<TRegistration> _directory;
    private readonly Func<TRegistration, string> _deviceIdOf;
    private readonly Func<TRegistration, IEnumerable<string>> _topicsOf;
    private readonly Func<TRegistration, TDevice> _newDevice;
    private readonly Func<TDevice, TRegistration> _registrationOf;
    private readonly Lock _lock = new();
    private Snapshot _now = new(new Dictionary<string, TDevice>(StringComparer.Ordinal), new Dictionary<string, TDevice>(StringComparer.Ordinal));

    /// <param name="topicsOf">The topics a device publishes on, each of which routes to it.</param>
    public RegisteredDevices(
        DeviceRegistrations<TRegistration> directory,
        Func<TRegistration, string> deviceIdOf,
        Func<TRegistration, IEnumerable<string>> topicsOf,
        Func<TRegistration, TDevice> newDevice,
        Func<TDevice, TRegistration> registrationOf)
    {
        _directory = directory;
        _deviceIdOf = deviceIdOf;
        _topicsOf = topicsOf;
        _newDevice = newDevice;
        _registrationOf = registrationOf;
        Refresh();
        directory.Changed += () =>
        {
            Refresh();
            Changed?.Invoke();
        };
    }

    /// <summary>Raised after a device was registered or removed, once the lookups below show it.</summary>
    public event Action? Changed;

    /// <summary>The topics of every registered device, now.</summary>
    public IReadOnlyCollection<string> Topics => Now.ByTopic.Keys;

    /// <summary>Every registered device, now.</summary>
    public IEnumerable<TDevice> All => Now.ByDevice.Values;

    private Snapshot Now
    {
        get
        {
            lock (_lock)
            {
                return _now;
            }
        }
    }

    public TDevice? ByDevice(string deviceId) => Now.ByDevice.GetValueOrDefault(deviceId);

    public TDevice? ByTopic(string topic) => Now.ByTopic.GetValueOrDefault(topic);

    private void Refresh()
    {
        lock (_lock)
        {
            var byDevice = new Dictionary<string, TDevice>(StringComparer.Ordinal);
            foreach (var registration in _directory.List())
            {
                var deviceId = _deviceIdOf(registration);
                byDevice[deviceId] = _now.ByDevice.TryGetValue(deviceId, out var known) && Equals(_registrationOf(known), registration)
                    ? known
                    : _newDevice(registration);
            }

            var byTopic = byDevice.Values
                .SelectMany(device => _topicsOf(_registrationOf(device)).Select(topic => (topic, device)))
                .ToDictionary(p => p.topic, p => p.device, StringComparer.Ordinal);
            _now = new Snapshot(byDevice, byTopic);
        }
    }

    private sealed record Snapshot(Dictionary<string, TDevice> ByDevice, Dictionary<string, TDevice> ByTopic);
}
