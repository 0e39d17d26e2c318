using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace SettingControl.Bench;

/// <summary>
/// One MQTT connection that plays every device of the facility: it notes when each <c>set</c> arrives
/// and, for the full loop, applies it at once by publishing the commanded state back. Real device
/// clients would add thousands of connections; the controller's work per message is the same.
/// </summary>
public sealed class DeviceDouble : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _waiting = new(StringComparer.Ordinal);

    public bool Echo { get; set; }

    public static async Task<DeviceDouble> ConnectAsync(BenchBroker broker)
    {
        var device = new DeviceDouble();
        device._client.ApplicationMessageReceivedAsync += device.OnSet;
        await device._client.ConnectAsync(broker.AsGateway("bench-devices-" + Guid.NewGuid().ToString("N")[..6]));
        await device._client.SubscribeAsync("settingcontrol/devices/+/set", MqttQualityOfServiceLevel.AtLeastOnce);
        return device;
    }

    /// <summary>Completes with the Stopwatch timestamp at which the device's next <c>set</c> arrives.</summary>
    public Task<long> NextSet(string deviceId)
    {
        var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[deviceId] = tcs;
        return tcs.Task;
    }

    private async Task OnSet(MqttApplicationMessageReceivedEventArgs e)
    {
        var at = Stopwatch.GetTimestamp();
        var topic = e.ApplicationMessage.Topic;
        var deviceId = topic["settingcontrol/devices/".Length..^"/set".Length];
        if (_waiting.TryRemove(deviceId, out var waiter))
        {
            waiter.TrySetResult(at);
        }

        if (Echo)
        {
            using var json = JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray());
            var root = json.RootElement;
            var on = root.TryGetProperty("on", out var o) && o.GetBoolean();
            var state = root.TryGetProperty("brightness", out var b)
                ? $$"""{"on":{{(on ? "true" : "false")}},"brightness":{{b.GetInt32()}},"colorTempK":{{root.GetProperty("colorTempK").GetInt32()}}}"""
                : $$"""{"on":{{(on ? "true" : "false")}},"light":{{root.GetProperty("light").GetInt32()}},"worn":true,"battery":100}""";
            await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"settingcontrol/devices/{deviceId}/state")
                .WithPayload(Encoding.UTF8.GetBytes(state))
                .Build());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync();
        _client.Dispose();
    }
}

/// <summary>Every device of N rooms reporting its state once a second (QoS 0), spread evenly over the second.</summary>
public sealed class BackgroundLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private BackgroundLoad(IMqttClient client, int rooms)
    {
        _loop = Task.Run(() => RunAsync(client, rooms, _stop.Token));
    }

    public long Published;

    public static async Task<BackgroundLoad> StartAsync(BenchBroker broker, int rooms)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(broker.AsGateway("bench-load-" + Guid.NewGuid().ToString("N")[..6]));
        return new BackgroundLoad(client, rooms);
    }

    private async Task RunAsync(IMqttClient client, int rooms, CancellationToken stop)
    {
        var topics = Enumerable.Range(1, rooms).SelectMany(r => new[] { $"room-{r}-light-1", $"room-{r}-light-2" }).Select(d => $"settingcontrol/devices/{d}/state").ToArray();
        var masks = Enumerable.Range(1, rooms).Select(r => $"settingcontrol/devices/room-{r}-mask/state").ToArray();
        var light = Encoding.UTF8.GetBytes("""{"on":true,"brightness":40,"colorTempK":2700}""");
        var mask = Encoding.UTF8.GetBytes("""{"on":false,"light":0,"worn":true,"battery":100}""");
        var all = topics.Select(t => (t, light)).Concat(masks.Select(t => (t, mask))).ToArray();
        const int slicesPerSecond = 50;
        var perSlice = Math.Max(1, all.Length / slicesPerSecond);
        var index = 0;
        var clock = Stopwatch.StartNew();
        var slice = 0L;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < perSlice; i++)
                {
                    var (topic, payload) = all[index++ % all.Length];
                    await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).Build(), stop);
                    Interlocked.Increment(ref Published);
                }

                slice++;
                var due = TimeSpan.FromSeconds(slice / (double)slicesPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }
}
