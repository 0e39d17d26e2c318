using System.Buffers;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim;

/// <summary>
/// The command path: a message from the connection is read by the wire, filtered by the fault switches, applied to
/// the state, and reported (state event, then a state publish); fades then report each step.
/// </summary>
public sealed partial class SimulatedDevice
{
    private Task OnMessageReceivedAsync(string topic, ReadOnlySequence<byte> payload)
    {
        if (!_wire.IsCommandTopic(topic))
        {
            return Task.CompletedTask;
        }

        if (_faults.DropCommands)
        {
            LogCommandDropped(DeviceId);
            return Task.CompletedTask;
        }

        var parsed = _wire.ParseCommand(payload);
        if (parsed.Value is not { } command)
        {
            _state.CountMalformed();
            LogMalformedCommand(DeviceId, parsed.Reason, parsed.Detail);
            return Task.CompletedTask;
        }

        var delay = _faults.CommandDelay;
        if (delay > TimeSpan.Zero)
        {
            // Deduplication happens when the command is applied, so a redelivery during the delay is still caught.
            _ = ApplyLaterAsync(command, delay);
            return Task.CompletedTask;
        }

        return ApplyAsync(command);
    }

    private async Task ApplyLaterAsync(DeviceCommand command, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _disposeCts.Token).ConfigureAwait(false);
            await ApplyAsync(command).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed while the command was held back.
        }
    }

    private async Task ApplyAsync(DeviceCommand command)
    {
        var outcome = _state.Apply(command);
        if (outcome.Duplicate)
        {
            LogDuplicateCommand(DeviceId, command.CommandId);
            return;
        }

        LogCommandApplied(DeviceId, command.CommandId, Describe(command), command.TransitionMs);
        if (outcome.StartFadeLoop)
        {
            _ = Task.Run(() => RunFadeLoopAsync(_disposeCts.Token), CancellationToken.None);
        }

        RaiseStateChanged(outcome.Snapshot, outcome.Version);

        // Reported even when nothing changed yet: it tells the controller the command arrived.
        await _connection.TryPublishStateAsync().ConfigureAwait(false);
    }

    /// <summary>Advances fades every report interval and reports each change; ends when nothing is in flight.</summary>
    private async Task RunFadeLoopAsync(CancellationToken token)
    {
        var interval = TimeSpan.FromMilliseconds(_options.ReportIntervalMs);
        try
        {
            while (true)
            {
                await Task.Delay(interval, _time, token).ConfigureAwait(false);
                var step = _state.Advance();
                if (step.Changed is { } changed)
                {
                    RaiseStateChanged(changed, step.Version);
                    await _connection.TryPublishStateAsync().ConfigureAwait(false);
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
                LogStateChangedHandlerFailed(DeviceId, ex);
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
