using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SettingControl.Contracts;

namespace SettingControl.Grains.Rooms;

/// <summary>
/// The dashboards watching a room. Every change is pushed to all of them as one snapshot, built only when someone
/// watches; a watcher that does not re-subscribe within its expiry is dropped.
/// </summary>
internal sealed class RoomWatchers
{
    private readonly ObserverManager<IRoomObserver> _observers;
    private readonly Func<RoomSnapshot> _snapshot;

    public RoomWatchers(TimeSpan expiry, ILogger logger, Func<RoomSnapshot> snapshot)
    {
        _observers = new ObserverManager<IRoomObserver>(expiry, logger);
        _snapshot = snapshot;
    }

    /// <summary>Adds a watcher, or keeps one that re-subscribes from expiring.</summary>
    public void Subscribe(IRoomObserver observer) => _observers.Subscribe(observer, observer);

    public void Unsubscribe(IRoomObserver observer) => _observers.Unsubscribe(observer);

    /// <summary>The watchers, to go with the room when it moves to another node.</summary>
    public IRoomObserver[] All => [.. _observers.Observers.Values];

    public void Notify()
    {
        if (_observers.Count == 0)
        {
            return;
        }

        var snapshot = _snapshot();
        _observers.Notify(o => o.RoomChanged(snapshot));
    }
}
