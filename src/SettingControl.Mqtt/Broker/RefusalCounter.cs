namespace SettingControl.Mqtt.Broker;

/// <summary>
/// Every refusal is counted in the metrics; whether it is also logged is up to a <see cref="RefusalLogThrottle"/>,
/// per key (the refused account, or the address a connect came from and why).
/// </summary>
internal sealed class RefusalCounter(DeviceLinkMetrics? metrics)
{
    private readonly RefusalLogThrottle _log = new(TimeSpan.FromSeconds(10));

    /// <summary>Counts the refusal; true when it should be logged now, with how many like it were not logged since.</summary>
    public bool Count(BrokerRefusal reason, string logKey, out int suppressed)
    {
        metrics?.Refused(reason);
        return _log.ShouldLog(logKey, out suppressed);
    }
}
