using Microsoft.Extensions.Logging;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Faults;
using SettingControl.FirmwareSim.Model;
using SettingControl.FirmwareSim.Wire;

namespace SettingControl.FirmwareSim;

/// <summary>
/// One simulated light or eye mask speaking device protocol v1 over MQTT: it announces itself, reports its actual
/// state (retained), performs fades itself, applies each command id once and reconnects on its own. Fault switches
/// let tests and demos make it misbehave on purpose.
/// </summary>
/// <remarks>
/// <para>The facade over the parts: <see cref="DeviceState"/> (what the device is), <see cref="IDeviceWire"/> (what it
/// says, here <see cref="SettingControlV1Wire"/>), and from <see cref="SimulatedClient"/> the MQTT session, the
/// lifecycle (start, stop, crash, reboot) and the <see cref="FaultSwitches"/>, shared with the other conventions. This
/// class orders them: commands, fades and the state event.</para>
/// <para>On v1 every message is retained, QoS 1; the last will and a graceful stop both say <c>offline</c>. Start
/// connects (retrying until connected or cancelled) with that will, subscribes to the <c>set</c> topic and publishes
/// announce, <c>online</c> and state. A crash keeps the state; a reboot returns to factory state and clears the
/// command-id memory, like RAM.</para>
/// <para>The device's "physics" (fades, command delay, <see cref="SimulatedClient.GoOfflineAfter"/>, reboot downtime) run
/// on the given <see cref="TimeProvider"/>; network retries and <see cref="WaitUntilAsync"/> timeouts use wall-clock
/// time, as they are about the real broker and the real caller.</para>
/// </remarks>
public sealed partial class SimulatedDevice : SimulatedClient
{
    private readonly SimulatedDeviceOptions _options;
    private readonly IDeviceWire _wire;
    private readonly DeviceState _state;

    // Keeps StateChanged in order: a snapshot older than one already raised is not raised.
    private readonly Lock _eventLock = new();
    private long _lastRaisedVersion;

    public SimulatedDevice(SimulatedDeviceOptions options, TimeProvider? time = null, ILogger? logger = null)
        : base(Validated(options).DeviceId, time, logger)
    {
        _options = options;
        _wire = new SettingControlV1Wire(options);
        _state = new DeviceState(options.Kind, Time);
        Endpoint = new MqttEndpoint
        {
            BrokerHost = options.BrokerHost,
            BrokerPort = options.BrokerPort,
            Username = options.Username,
            Password = options.Password,
            UseTls = options.UseTls,
            CaFile = options.CaFile,
            KeepAliveSeconds = options.KeepAliveSeconds,
            ReconnectDelayMs = options.ReconnectDelayMs,
        };
        Will = Retained(_wire.Will);
        Subscriptions = [_wire.CommandTopic];
    }

    /// <summary>
    /// Raised after every change of the actual state, in order and one at a time (never under the state lock, so a
    /// handler may read <see cref="Current"/>). Keep handlers quick: they run on the device's command and fade path.
    /// </summary>
    public event Action<DeviceSnapshot>? StateChanged;

    public string DeviceId => _options.DeviceId;

    public string Kind => _options.Kind;

    /// <summary>A consistent copy of the actual state.</summary>
    public DeviceSnapshot Current => _state.Current;

    public int AppliedCommandCount => _state.AppliedCount;

    public int DuplicateCommandCount => _state.DuplicateCount;

    /// <summary>Malformed <c>set</c> payloads (anything <c>PayloadParser.ParseSet</c> refuses), ignored and counted.</summary>
    public override int MalformedCommandCount => _state.MalformedCount;

    /// <summary>The command ids the device still remembers, oldest first (cleared by a reboot, like RAM).</summary>
    public IReadOnlyList<string> AppliedCommandIds => _state.RememberedIds;

    private protected override MqttEndpoint Endpoint { get; }

    /// <summary>A retained <c>offline</c> on the availability topic.</summary>
    private protected override Publication Will { get; }

    private protected override IReadOnlyList<string> Subscriptions { get; }

    /// <summary>v1 devices subscribe without no-local, as they always have (they never publish on their <c>set</c> topic).</summary>
    private protected override bool SubscribeNoLocal => false;

    /// <summary>Waits until <paramref name="predicate"/> holds for the actual state; false on timeout.</summary>
    public async Task<bool> WaitUntilAsync(Func<DeviceSnapshot, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var matched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        void OnChanged(DeviceSnapshot snapshot)
        {
            try
            {
                if (predicate(snapshot))
                {
                    matched.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                matched.TrySetException(ex);
            }
        }

        StateChanged += OnChanged;
        try
        {
            // Checked after subscribing so a change between the two cannot be missed.
            if (predicate(Current))
            {
                return true;
            }

            await matched.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            StateChanged -= OnChanged;
        }
    }

    /// <summary>Announce, <c>online</c>, then the actual state, all retained.</summary>
    private protected override IReadOnlyList<Publication> Identity() => [.. _wire.Identity(_state.Current).Select(Retained)];

    /// <summary>The same retained <c>offline</c> as the will: a controller cannot tell a stop from a crash by it.</summary>
    private protected override IReadOnlyList<Publication> Goodbye() => [Retained(_wire.Offline)];

    private protected override bool IsCommandTopic(string topic) => _wire.IsCommandTopic(topic);

    /// <summary>Malformed retained payloads on the device's own announce, state and availability topics.</summary>
    private protected override Publication Garbage(Random random) => Retained(_wire.Garbage(random));

    /// <summary>Power cycle: factory state and an empty command-id memory, raised as a state change.</summary>
    private protected override void OnRestarting()
    {
        var (snapshot, version) = _state.ResetToFactory();
        RaiseStateChanged(snapshot, version);
    }

    private static SimulatedDeviceOptions Validated(SimulatedDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    /// <summary>Every v1 message is retained, QoS 1.</summary>
    private static Publication Retained(WireMessage message) => new(message.Topic, message.Payload, Retain: true);
}
