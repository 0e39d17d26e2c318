using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;

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

    private static GroupCommand Group(params DeviceCommand[] members) =>
        new("zigbee2mqtt/room-1/set", members, new OutboundRequest("zigbee2mqtt/room-1/set", [1]));

    [Fact]
    public async Task A_group_broadcast_supersedes_what_waited_for_its_members_and_goes_out_as_one()
    {
        var queue = new PendingCommands();
        queue.Enqueue(Light("l1", 10), "c-1");
        queue.Enqueue(Light("l2", 10), "c-2");
        queue.EnqueueGroup(Group(Light("l1", 100), Light("l2", 100)), "c-3");

        Assert.Equal(1, queue.Count);
        var taken = await Take(queue);
        Assert.Equal("c-3", taken.CommandId);
        Assert.Equal(["l1", "l2"], queue.MembersStillNewest(taken).Select(m => m.Command.DeviceId));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_member_told_something_newer_is_left_out_and_the_rest_go_one_by_one()
    {
        var queue = new PendingCommands();
        queue.EnqueueGroup(Group(Light("l1", 100), Light("l2", 100)), "c-1");
        queue.Enqueue(Light("l1", 40), "c-2");

        var first = await Take(queue);
        var second = await Take(queue);
        var group = first.Group is not null ? first : second;
        var single = first.Group is not null ? second : first;
        Assert.Equal(("l1", 40), (single.Command.DeviceId, single.Command.Brightness));

        var stillNewest = Assert.Single(queue.MembersStillNewest(group));
        Assert.Equal(("l2", 100), (stillNewest.Command.DeviceId, stillNewest.Command.Brightness));
        Assert.True(queue.Requeue(stillNewest));
        var resent = await Take(queue);
        Assert.Equal(("l2", 100, "c-1"), (resent.Command.DeviceId, resent.Command.Brightness, resent.CommandId));
        Assert.Null(resent.Group);
    }
}
