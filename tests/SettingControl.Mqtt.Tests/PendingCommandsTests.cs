using SettingControl.Domain;

namespace SettingControl.Mqtt.Tests;

/// <summary>The outgoing queue coalesces per device and never lets an old command overtake a newer one.</summary>
public class PendingCommandsTests
{
    private static DeviceCommand Light(string deviceId, int brightness) => new(deviceId, DeviceKind.Light, true, brightness, 3000, null, 0);

    private static async Task<PendingCommand> Take(PendingCommands queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return (await queue.TakeAsync(timeout.Token))!;
    }

    [Fact]
    public async Task Several_commands_waiting_for_one_device_leave_only_the_newest()
    {
        var queue = new PendingCommands();
        queue.Enqueue(Light("l1", 10), "c-1");
        queue.Enqueue(Light("l1", 20), "c-2");
        queue.Enqueue(Light("l1", 30), "c-3");

        Assert.Equal(1, queue.Count);
        var taken = await Take(queue);
        Assert.Equal(("c-3", 30), (taken.CommandId, taken.Command.Brightness));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Devices_are_taken_in_the_order_they_first_had_a_command_waiting()
    {
        var queue = new PendingCommands();
        queue.Enqueue(Light("l1", 10), "c-1");
        queue.Enqueue(Light("l2", 10), "c-2");
        queue.Enqueue(Light("l1", 20), "c-3");

        Assert.Equal(2, queue.Count);
        Assert.Equal("c-3", (await Take(queue)).CommandId);
        Assert.Equal("c-2", (await Take(queue)).CommandId);
    }

    [Fact]
    public async Task A_failed_publish_goes_back_while_it_is_still_the_devices_newest_command()
    {
        var queue = new PendingCommands();
        queue.Enqueue(Light("l1", 10), "c-1", acceptedAt: 42);
        var taken = await Take(queue);

        Assert.True(queue.Requeue(taken));
        var again = await Take(queue);
        Assert.Equal(("c-1", 42L), (again.CommandId, again.AcceptedAt));
    }

    [Fact]
    public async Task A_failed_publish_superseded_by_a_newer_command_is_dropped_whether_that_one_waits_or_was_taken()
    {
        var queue = new PendingCommands();
        queue.Enqueue(Light("l1", 10), "c-1");
        var old = await Take(queue);
        queue.Enqueue(Light("l1", 20), "c-2");

        Assert.False(queue.Requeue(old));
        var newer = await Take(queue);
        Assert.Equal("c-2", newer.CommandId);
        Assert.False(queue.Requeue(old));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Taking_waits_for_a_command_and_ends_when_cancelled()
    {
        var queue = new PendingCommands();
        var waiting = queue.TakeAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        queue.Enqueue(Light("l1", 10), "c-1");
        Assert.Equal("c-1", (await waiting.WaitAsync(TimeSpan.FromSeconds(5)))!.CommandId);

        using var cancelled = new CancellationTokenSource();
        var next = queue.TakeAsync(cancelled.Token).AsTask();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }
}
