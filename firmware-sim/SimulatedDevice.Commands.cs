using System.Buffers;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim;

/// <summary>
/// The command path: a <c>set</c> that passed the drop switch is read by the wire as it arrives (a malformed one is
/// counted at once), held back by the command delay if any, then applied to the state and reported (state event, then
/// a state publish); fades then report each step.
/// </summary>
public sealed partial class SimulatedDevice
{
    private protected override Func<Task>? ReadCommand(string topic, ReadOnlySequence<byte> payload)
    {
        var parsed = _wire.ParseCommand(payload);
        if (parsed.Value is not { } command)
        {
            _state.CountMalformed();
            LogMalformedCommand(Logger, DeviceId, parsed.Reason, parsed.Detail);
            return null;
        }

        // Deduplication happens when the command is applied, so a redelivery during a delay is still caught.
        return () => ApplyAsync(command);
    }

    private async Task ApplyAsync(DeviceCommand command)
    {
        var outcome = _state.Apply(command);
        if (outcome.Duplicate)
        {
            LogDuplicateCommand(Logger, DeviceId, command.CommandId);
            return;
        }

        LogCommandApplied(Logger, DeviceId, command.CommandId, Describe(command), command.TransitionMs);
        if (outcome.StartFadeLoop)
        {
            _ = Task.Run(() => RunFadeLoopAsync(Disposing.Token), CancellationToken.None);
        }

        RaiseStateChanged(outcome.Snapshot, outcome.Version);

        // Reported even when nothing changed yet: it tells the controller the command arrived.
        await PublishStateAsync().ConfigureAwait(false);
    }

    /// <summary>Advances fades every report interval and reports each change; ends when nothing is in flight.</summary>
    private async Task RunFadeLoopAsync(CancellationToken token)
    {
        var interval = TimeSpan.FromMilliseconds(_options.ReportIntervalMs);
        try
        {
            while (true)
            {
                await Task.Delay(interval, Time, token).ConfigureAwait(false);
                var step = _state.Advance();
                if (step.Changed is { } changed)
                {
                    RaiseStateChanged(changed, step.Version);
                    await PublishStateAsync().ConfigureAwait(false);
                }

                if (!step.More)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>Reports the latest state (taken inside the publish gate) if connected; every (re)connect reports it anyway.</summary>
    private Task PublishStateAsync() => PublishLatestAsync(() => Retained(_wire.State(_state.Current)));

    private void RaiseStateChanged(DeviceSnapshot snapshot, long version)
    {
        lock (_eventLock)
        {
            if (version <= _lastRaisedVersion)
            {
                return;
            }

            _lastRaisedVersion = version;
            try
            {
                StateChanged?.Invoke(snapshot);
            }
            catch (Exception ex)
            {
                // A faulty subscriber must not stop the device's fades.
                LogStateChangedHandlerFailed(Logger, DeviceId, ex);
            }
        }
    }

    private static string Describe(DeviceCommand command)
    {
        var parts = new List<string>(4);
        if (command.On is { } on)
        {
            parts.Add(on ? "on" : "off");
        }

        if (command.Brightness is { } brightness)
        {
            parts.Add($"brightness={brightness}");
        }

        if (command.ColorTempK is { } colorTempK)
        {
            parts.Add($"colorTempK={colorTempK}");
        }

        if (command.Light is { } light)
        {
            parts.Add($"light={light}");
        }

        return parts.Count == 0 ? "(no change)" : string.Join(' ', parts);
    }
}
