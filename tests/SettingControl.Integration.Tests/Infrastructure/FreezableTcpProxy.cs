using System.Net;
using System.Net.Sockets;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay between a client (a device, a browser) and its server that can go silent: <see cref="Freeze"/>
/// stops relaying in both directions but keeps both sockets open, like a pulled network cable or a Wi-Fi link that
/// stays up and carries nothing (no FIN, no RST, no MQTT DISCONNECT). Only a keep-alive timeout can notice.
/// <see cref="Thaw"/> plugs the cable back in: whatever was held is delivered, as TCP would after an outage, and
/// connections opened while frozen go through.
/// </summary>
public sealed class FreezableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly object _gate = new();
    private TaskCompletionSource _thawed = Thawed();

    public FreezableTcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    public void Freeze()
    {
        lock (_gate)
        {
            if (_thawed.Task.IsCompleted)
            {
                _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Thaw()
    {
        lock (_gate)
        {
            _thawed.TrySetResult();
        }
    }

    private static TaskCompletionSource Thawed()
    {
        var thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thawed.SetResult();
        return thawed;
    }

    private Task WhenThawed()
    {
        lock (_gate)
        {
            return _thawed.Task;
        }
    }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> of the last bytes relayed from the device to the broker: when its silence began.</summary>
    public long LastRelayedToBroker => Interlocked.Read(ref _lastRelayedToBroker);

    private long _lastRelayedToBroker;

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                var outbound = new TcpClient();
                await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(inbound);
                    _sockets.Add(outbound);
                }

                _ = RelayAsync(inbound.GetStream(), outbound.GetStream(), towardsBroker: true);
                _ = RelayAsync(outbound.GetStream(), inbound.GetStream(), towardsBroker: false);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task RelayAsync(NetworkStream from, NetworkStream to, bool towardsBroker)
    {
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);

                // Frozen: hold what was read (and read nothing more) until thawed, and never close: the peer must
                // not learn anything while the link is down.
                await WhenThawed().WaitAsync(_stop.Token);
                if (read == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                if (towardsBroker)
                {
                    Interlocked.Exchange(ref _lastRelayedToBroker, System.Diagnostics.Stopwatch.GetTimestamp());
                }
            }
        }
        catch (Exception)
        {
            // Disposed, or a side closed its socket.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }
}
