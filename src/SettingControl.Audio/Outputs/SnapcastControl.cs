using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SettingControl.Audio.Outputs;

/// <summary>A snapclient as the server reports it in <c>Server.GetStatus</c>.</summary>
public sealed record SnapcastClient(string Id, bool Connected, string HostName, string ConfiguredName, int VolumePercent, bool Muted, string GroupId, string StreamId)
{
    /// <summary>
    /// What staff call it: the name configured on the server (snapweb, Client.SetName), else its host id when one was
    /// chosen (<c>--hostID</c>; the default, a MAC address, says less than the machine's host name), else the host name.
    /// </summary>
    public string Name => ConfiguredName.Length > 0 ? ConfiguredName
        : Id.Length > 0 && !LooksLikeMac(Id) ? Id
        : HostName.Length > 0 ? HostName : Id;

    private static bool LooksLikeMac(string id) => id.Length >= 17 && id[2] == ':' && id[5] == ':' && id[..17].All(c => char.IsAsciiHexDigit(c) || c == ':');
}

/// <summary>What <c>Server.GetStatus</c> says: every client (with its group and that group's stream) and the stream ids.</summary>
public sealed record SnapcastStatus(IReadOnlyList<SnapcastClient> Clients, IReadOnlyList<string> Streams);

/// <summary>
/// A client of snapserver's JSON-RPC 2.0 control API over TCP (newline-delimited; <c>[tcp] port</c>, 1705 by default):
/// requests with ids answered by the reader loop, and notifications (<c>Client.OnConnect</c>, <c>Client.OnDisconnect</c>,
/// <c>Group.OnStreamChanged</c>, <c>Server.OnUpdate</c> …) raised as <see cref="Notified"/> with the method's name.
/// Snapserver 0.26 cannot add streams at run time (<c>Stream.AddStream</c> answers "Method not found"), so this client
/// only reads the status, moves groups between the streams snapserver.conf declares, and sets volumes.
/// </summary>
public sealed class SnapcastControl : IAsyncDisposable
{
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private NetworkStream? _stream;
    private Task? _reading;
    private int _nextId;

    /// <summary>Raised on the reader's thread with the notification's method name.</summary>
    public event Action<string>? Notified;

    /// <summary>Completes when the connection ends (the server went away, or this client was disposed).</summary>
    public Task Closed => _reading ?? Task.CompletedTask;

    public static async Task<SnapcastControl> ConnectAsync(string server, int port, CancellationToken cancellation)
    {
        var control = new SnapcastControl();
        try
        {
            await control._tcp.ConnectAsync(server, port, cancellation);
            control._stream = control._tcp.GetStream();
            control._reading = Task.Run(control.ReadLoopAsync, CancellationToken.None);
            return control;
        }
        catch
        {
            await control.DisposeAsync();
            throw;
        }
    }

    public async Task<SnapcastStatus> GetStatusAsync(CancellationToken cancellation)
    {
        var result = await CallAsync("Server.GetStatus", null, cancellation);
        var server = result.GetProperty("server");
        var clients = new List<SnapcastClient>();
        foreach (var group in server.GetProperty("groups").EnumerateArray())
        {
            var groupId = group.GetProperty("id").GetString() ?? string.Empty;
            var streamId = group.GetProperty("stream_id").GetString() ?? string.Empty;
            foreach (var client in group.GetProperty("clients").EnumerateArray())
            {
                var config = client.GetProperty("config");
                var volume = config.GetProperty("volume");
                clients.Add(new SnapcastClient(
                    client.GetProperty("id").GetString() ?? string.Empty,
                    client.GetProperty("connected").GetBoolean(),
                    client.GetProperty("host").GetProperty("name").GetString() ?? string.Empty,
                    config.GetProperty("name").GetString() ?? string.Empty,
                    volume.GetProperty("percent").GetInt32(),
                    volume.GetProperty("muted").GetBoolean(),
                    groupId,
                    streamId));
            }
        }

        var streams = server.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("id").GetString() ?? string.Empty).ToList();
        return new SnapcastStatus(clients, streams);
    }

    /// <summary>Puts the group (and so every client in it) on the stream.</summary>
    public Task SetGroupStreamAsync(string groupId, string streamId, CancellationToken cancellation) =>
        CallAsync("Group.SetStream", new JsonObject { ["id"] = groupId, ["stream_id"] = streamId }, cancellation);

    public Task SetClientVolumeAsync(string clientId, int percent, bool muted, CancellationToken cancellation) =>
        CallAsync("Client.SetVolume", new JsonObject { ["id"] = clientId, ["volume"] = new JsonObject { ["muted"] = muted, ["percent"] = Math.Clamp(percent, 0, 100) } }, cancellation);

    /// <summary>Sends a request and waits for its answer; a JSON-RPC error becomes a <see cref="SnapcastException"/>.</summary>
    public async Task<JsonElement> CallAsync(string method, JsonObject? parameters, CancellationToken cancellation)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            var request = new JsonObject { ["id"] = id, ["jsonrpc"] = "2.0", ["method"] = method };
            if (parameters is not null)
            {
                request["params"] = parameters;
            }

            var line = Encoding.UTF8.GetBytes(request.ToJsonString() + "\r\n");
            await _sending.WaitAsync(cancellation);
            try
            {
                await (_stream ?? throw new SnapcastException("not connected")).WriteAsync(line, cancellation);
            }
            finally
            {
                _sending.Release();
            }

            return await answer.Task.WaitAsync(cancellation);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? ended = null;
        try
        {
            using var reader = new StreamReader(_stream!, Encoding.UTF8, leaveOpen: true);
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length > 0)
                {
                    Dispatch(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            ended = ex;
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new SnapcastException(ended is null ? "the Snapcast server closed the connection" : $"the connection to the Snapcast server ended: {ended.Message}"));
        }
    }

    private void Dispatch(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            // Not JSON: nothing a request waits for can be in it.
            return;
        }

        using (document)
        {
            // A batch answer is an array; snapserver sends one only for a batch request, which this client never makes.
            var message = document.RootElement;
            if (message.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (message.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt32(out var id))
            {
                if (_pending.TryGetValue(id, out var answer))
                {
                    if (message.TryGetProperty("error", out var error))
                    {
                        var text = error.TryGetProperty("message", out var m) ? m.GetString() : error.GetRawText();
                        answer.TrySetException(new SnapcastException(text ?? "error"));
                    }
                    else
                    {
                        answer.TrySetResult(message.TryGetProperty("result", out var result) ? result.Clone() : default);
                    }
                }

                return;
            }

            if (message.TryGetProperty("method", out var method) && method.GetString() is { } name)
            {
                Notified?.Invoke(name);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _tcp.Dispose();
        if (_reading is not null)
        {
            await _reading;
        }

        _stop.Dispose();
        _sending.Dispose();
    }
}

/// <summary>A JSON-RPC error answer of snapserver, or a connection that ended before the answer came.</summary>
public sealed class SnapcastException(string message) : Exception(message);
