using System.Net.Sockets;
using SettingControl.Domain;

namespace SettingControl.Audio.Outputs;

/// <summary>A speaker of a room (a snapclient) for staff: its name on the server and whether it is connected.</summary>
public sealed record SnapcastSpeaker(string Name, bool Connected);

/// <summary>
/// Plays a room to its Snapcast stream. The render thread converts each block to 16-bit PCM (48000:16:2) into a
/// bounded ring and returns: it never waits, allocates or throws, and a block that does not fit is dropped and counted.
/// A background task is the TCP client of the room's <c>tcp://…?mode=server</c> source (server:streamPort), sends what
/// the ring holds, and reconnects with backoff while the server is gone; meanwhile the room keeps its clock.
/// A second task keeps a control connection (server:controlPort): it puts the room's speakers' groups on the room's
/// stream and lists the speakers. A speaker belongs to the room when its configured name, host name or id is the
/// stream name, or starts with the stream name and a dot (<c>room-1.left</c>; docs/audio.md, "Snapcast").
/// </summary>
public sealed class SnapcastOutput : IAudioOutput
{
    /// <summary>How much sound waits for the server at most: a second, the same as snapserver's own buffer.</summary>
    public static readonly TimeSpan RingLength = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SendEvery = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(10);

    private readonly SnapcastEndpoint _endpoint;
    private readonly PcmRing _ring;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sending;
    private readonly Task _controlling;
    private readonly Lock _stateLock = new();
    private volatile bool _connected;
    private volatile string _state;
    private string _streamProblem;
    private string? _speakerProblem;
    private volatile IReadOnlyList<SnapcastSpeaker> _clients = [];
    private volatile IReadOnlyList<MusicSpeaker> _speakers = [];

    public SnapcastOutput(SnapcastEndpoint endpoint, int sampleRate, int channels)
    {
        _endpoint = endpoint;
        Description = endpoint.Description;
        var frameBytes = channels * 2;
        _ring = new PcmRing((int)(sampleRate * RingLength.TotalSeconds) * frameBytes / 4 * 4);
        _streamProblem = $"connecting to the Snapcast server at {endpoint.HostForUri}:{endpoint.StreamPort}";
        _state = $"unavailable: {_streamProblem}";
        _sending = Task.Run(SendLoopAsync);
        _controlling = Task.Run(ControlLoopAsync);
    }

    public string Description { get; }

    /// <summary>
    /// <c>ok</c>, or <c>unavailable: …</c> while the server cannot be reached, has no stream of this name, or none of the
    /// room's speakers is connected. The same string instance until it changes (the player compares references).
    /// </summary>
    public string State => _state;

    /// <summary>The room's speakers as the server last reported them, by their names there; empty until the control connection has answered.</summary>
    public IReadOnlyList<SnapcastSpeaker> Clients => _clients;

    /// <summary>
    /// The same speakers as the room's people know them (<c>room-1.left</c> is "left"; the room's one speaker named like
    /// the stream is "speaker"; a name staff gave it on the server is shown as it is). A new list only when they change.
    /// </summary>
    public IReadOnlyList<MusicSpeaker> Speakers => _speakers;

    /// <summary>Blocks dropped because the ring was full (the network or the server fell behind).</summary>
    public long DroppedBlocks => _ring.DroppedBlocks;

    /// <summary>Whether the stream's TCP connection is up now.</summary>
    public bool Connected => _connected;

    public void Write(ReadOnlySpan<float> samples)
    {
        // While there is no connection nothing is kept: what plays when the server returns is the room as it is then.
        if (_connected)
        {
            _ring.TryWrite(samples);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            Task.WaitAll([_sending, _controlling], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loops end by cancellation; anything else they met was already reported in the state.
        }

        _stop.Dispose();
    }

    /// <summary>True when the client is one of this room's speakers (the rule in the class summary).</summary>
    public static bool IsRoomSpeaker(SnapcastClient client, string stream) =>
        NameIsRooms(client.ConfiguredName, stream) || NameIsRooms(client.HostName, stream) || NameIsRooms(client.Id, stream);

    private static bool NameIsRooms(string name, string stream) =>
        name.Equals(stream, StringComparison.OrdinalIgnoreCase)
        || (name.Length > stream.Length + 1 && name.StartsWith(stream, StringComparison.OrdinalIgnoreCase) && name[stream.Length] == '.');

    private async Task SendLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var retry = FirstRetry;
        using var tick = new PeriodicTimer(SendEvery);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var tcp = new TcpClient { NoDelay = true };
                using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                {
                    connecting.CancelAfter(ConnectTimeout);
                    await tcp.ConnectAsync(_endpoint.Server, _endpoint.StreamPort, connecting.Token);
                }

                var stream = tcp.GetStream();
                _ring.Skip();
                _connected = true;
                retry = FirstRetry;
                SetStreamProblem(null);

                // The source never sends; a read that ends means the server closed the connection, noticed even while quiet.
                var closed = stream.ReadAsync(new byte[1], _stop.Token).AsTask();
                while (!closed.IsCompleted && await tick.WaitForNextTickAsync(_stop.Token))
                {
                    int count;
                    while ((count = _ring.Read(buffer)) > 0)
                    {
                        await stream.WriteAsync(buffer.AsMemory(0, count), _stop.Token);
                    }
                }

                SetStreamProblem($"the Snapcast server at {_endpoint.HostForUri}:{_endpoint.StreamPort} closed the connection");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                SetStreamProblem($"cannot reach the Snapcast server at {_endpoint.HostForUri}:{_endpoint.StreamPort} ({Plain(ex)})");
            }
            finally
            {
                _connected = false;
            }

            if (!await Delay(retry))
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, retry.Ticks * 2));
        }
    }

    private async Task ControlLoopAsync()
    {
        var retry = FirstRetry;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var control = await SnapcastControl.ConnectAsync(_endpoint.Server, _endpoint.ControlPort, _stop.Token);
                retry = FirstRetry;

                // Any notification (a speaker came or went, a group changed stream, the server's state was replaced)
                // reads the whole status again: they are rare, and one status is simpler than patching from each kind.
                using var changed = new SemaphoreSlim(0);
                control.Notified += _ => changed.Release();
                while (!_stop.IsCancellationRequested && !control.Closed.IsCompleted)
                {
                    await Reconcile(control);
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    wait.CancelAfter(StatusEvery);
                    try
                    {
                        await Task.WhenAny(changed.WaitAsync(wait.Token), control.Closed);
                        while (changed.CurrentCount > 0)
                        {
                            await changed.WaitAsync(_stop.Token);
                        }
                    }
                    catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                    {
                        // Nothing was heard for a while: read the status anyway.
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is SocketException or IOException or SnapcastException or OperationCanceledException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // The stream's own connection says whether the server is there; without control the speakers are unknown.
            }

            SetSpeakers([], problem: null);
            if (!await Delay(retry))
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, retry.Ticks * 2));
        }
    }

    private async Task Reconcile(SnapcastControl control)
    {
        var status = await control.GetStatusAsync(_stop.Token);
        var stream = _endpoint.Stream;
        if (!status.Streams.Contains(stream, StringComparer.Ordinal))
        {
            SetSpeakers([], $"the Snapcast server has no stream named '{stream}'; add the room's stream line (GET /api/snapcast/streams) to snapserver.conf and restart it");
            return;
        }

        var mine = status.Clients.Where(c => IsRoomSpeaker(c, stream)).ToList();
        foreach (var groupId in mine.Where(c => c.StreamId != stream).Select(c => c.GroupId).Distinct())
        {
            await control.SetGroupStreamAsync(groupId, stream, _stop.Token);
        }

        // The speakers' own level is staff's, set once (a replaced speaker gets it too); the room's volume and its
        // ramps stay in the samples, which whole-percent client volumes could not make smooth.
        if (_endpoint.SpeakerVolume is { } level)
        {
            foreach (var client in mine.Where(c => c.VolumePercent != level || c.Muted))
            {
                await control.SetClientVolumeAsync(client.Id, level, muted: false, _stop.Token);
            }
        }

        SetSpeakers(
            [.. mine.Select(c => new SnapcastSpeaker(c.Name, c.Connected)).OrderBy(s => s.Name, StringComparer.Ordinal)],
            mine.Count == 0 ? $"no speaker of this room is known to the Snapcast server (a snapclient named '{stream}' or '{stream}.…')"
            : mine.Any(c => c.Connected) ? null
            : "none of the room's speakers is connected to the Snapcast server");
    }

    /// <summary>
    /// The speakers and what they mean for the room, together: the state first, so whoever reads a speaker as dropped
    /// reads the state that says so. New lists only when the speakers changed, so the render thread can tell a change
    /// by the reference alone.
    /// </summary>
    private void SetSpeakers(IReadOnlyList<SnapcastSpeaker> clients, string? problem)
    {
        lock (_stateLock)
        {
            _speakerProblem = problem;
            UpdateState();
            if (!clients.SequenceEqual(_clients))
            {
                _clients = clients;
                _speakers = [.. clients.Select(c => new MusicSpeaker(LabelOf(c.Name, _endpoint.Stream), c.Connected))];
            }
        }
    }

    private static string LabelOf(string name, string stream) =>
        name.Length > stream.Length + 1 && name.StartsWith(stream, StringComparison.OrdinalIgnoreCase) && name[stream.Length] == '.' ? name[(stream.Length + 1)..]
        : name.Equals(stream, StringComparison.OrdinalIgnoreCase) ? "speaker"
        : name;

    private async Task<bool> Delay(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void SetStreamProblem(string? problem)
    {
        lock (_stateLock)
        {
            _streamProblem = problem ?? string.Empty;
            UpdateState();
        }
    }

    private void UpdateState()
    {
        // The stream's connection first: without it no speaker hears anything, whatever the speakers say.
        var next = _streamProblem.Length > 0 ? $"unavailable: {_streamProblem}"
            : _speakerProblem is { } speakers ? $"unavailable: {speakers}"
            : "ok";
        if (next != _state)
        {
            _state = next;
        }
    }

    private static string Plain(Exception ex) => ex switch
    {
        IOException { InnerException: SocketException inner } => Plain(inner),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "host name not found",
        SocketException { SocketErrorCode: SocketError.TimedOut } or OperationCanceledException => "no answer",
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted } => "connection lost",
        SocketException s => s.SocketErrorCode.ToString(),
        _ => ex.Message,
    };
}
