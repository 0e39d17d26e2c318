namespace SettingControl.FirmwareSim.Model;

/// <summary>
/// The last few hundred command ids, so a QoS 1 redelivery (or a controller retry) is applied once.
/// Bounded like a real device's RAM; not thread-safe.
/// </summary>
internal sealed class CommandIdMemory(int capacity)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>Remembers <paramref name="commandId"/>; false when it was already known.</summary>
    public bool TryRemember(string commandId)
    {
        if (!_ids.Add(commandId))
        {
            return false;
        }

        _order.Enqueue(commandId);
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }

    /// <summary>Oldest first.</summary>
    public string[] Recent() => _order.ToArray();

    public void Clear()
    {
        _ids.Clear();
        _order.Clear();
    }
}
