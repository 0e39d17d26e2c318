using SettingControl.Contracts;

namespace SettingControl.Grains.Tests;

/// <summary>
/// A settings update is checked as a whole before any part of it is applied (<c>TreatmentRoom.UpdateSettings</c>):
/// through the grain, a refused part leaves every setting as it was and the caller hears one reason.
/// </summary>
public sealed class RoomSettingsGrainTests : IAsyncLifetime
{
    private readonly string _databasePath = RoomCluster.NewDatabasePath();
    private RoomCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RoomCluster.StartAsync(_databasePath);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<IRoomGrain> ProvisionedRoom(string roomId)
    {
        var facility = _cluster.Grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key);
        await facility.EnsureRoom(new RoomDefinition(roomId, "Room " + roomId, [new DeviceAssignment(roomId + "-light", "light")]));
        return _cluster.Grains.GetGrain<IRoomGrain>(roomId);
    }

    private static readonly Actor Staff = new("admin", "sam");

    [Fact]
    public async Task Both_settings_are_applied_together()
    {
        var room = await ProvisionedRoom("s1");

        var result = await room.UpdateSettings(new UpdateRoomSettingsRequest(MaxBrightness: 60, DefaultPlaylistId: "calm"), Staff);

        Assert.Equal(CommandOutcome.Accepted, result.Outcome);
        Assert.Equal(new RoomSettingsDto(60, "calm"), result.Snapshot!.Settings);
    }

    [Fact]
    public async Task The_mask_light_ceiling_is_kept_across_a_restart_of_the_silo()
    {
        var room = await ProvisionedRoom("s6");

        var result = await room.UpdateSettings(new UpdateRoomSettingsRequest(MaxMaskLight: 40), Staff);
        Assert.Equal(new RoomSettingsDto(100, null, 40), result.Snapshot!.Settings);
        await _cluster.DisposeAsync();

        _cluster = await RoomCluster.StartAsync(_databasePath);
        Assert.Equal(40, (await _cluster.Grains.GetGrain<IRoomGrain>("s6").GetSnapshot())!.Settings!.MaxMaskLight);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task A_limit_outside_1_to_100_is_refused_with_its_range(int limit)
    {
        var room = await ProvisionedRoom("s2");

        var result = await room.UpdateSettings(new UpdateRoomSettingsRequest(MaxBrightness: limit), Staff);

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Equal(new FieldError("maxBrightness", "The brightness limit is 1–100 %."), Assert.Single(result.Errors));
    }

    [Fact]
    public async Task A_missing_playlist_refuses_the_whole_update_and_leaves_the_limit_as_it_was()
    {
        var room = await ProvisionedRoom("s3");

        var result = await room.UpdateSettings(new UpdateRoomSettingsRequest(MaxBrightness: 60, DefaultPlaylistId: "nope"), Staff);

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Equal(new FieldError("defaultPlaylistId", "There is no playlist 'nope'."), Assert.Single(result.Errors));
        Assert.Equal(new RoomSettingsDto(100, null), (await room.GetSnapshot())!.Settings);
    }

    [Fact]
    public async Task With_both_parts_wrong_the_limit_is_the_error_the_caller_hears()
    {
        var room = await ProvisionedRoom("s4");

        var result = await room.UpdateSettings(new UpdateRoomSettingsRequest(MaxBrightness: 0, DefaultPlaylistId: "nope"), Staff);

        Assert.Equal(new FieldError("maxBrightness", "The brightness limit is 1–100 %."), Assert.Single(result.Errors));
    }

    [Fact]
    public async Task An_empty_playlist_clears_the_default()
    {
        var room = await ProvisionedRoom("s5");
        await room.UpdateSettings(new UpdateRoomSettingsRequest(DefaultPlaylistId: "drift"), Staff);

        var result = await room.UpdateSettings(new UpdateRoomSettingsRequest(DefaultPlaylistId: ""), Staff);

        Assert.Equal(CommandOutcome.Accepted, result.Outcome);
        Assert.Equal(new RoomSettingsDto(100, null), result.Snapshot!.Settings);
    }
}
