using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using SettingControl.Contracts;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>Collects every RoomChanged a dashboard connection receives.</summary>
public sealed class SnapshotRecorder
{
    private readonly ConcurrentQueue<RoomSnapshot> _received = new();

    public SnapshotRecorder(HubConnection connection) =>
        connection.On<RoomSnapshot>("RoomChanged", snapshot => _received.Enqueue(snapshot));

    public IReadOnlyList<RoomSnapshot> Received => _received.ToArray();

    public async Task<RoomSnapshot> WaitForAsync(Func<RoomSnapshot, bool> predicate, string what, TimeSpan? timeout = null)
    {
        RoomSnapshot? match = null;
        await Eventually.TrueAsync(
            () =>
            {
                match = _received.FirstOrDefault(predicate);
                return match is not null;
            },
            timeout ?? TimeSpan.FromSeconds(15),
            what);
        return match!;
    }
}
