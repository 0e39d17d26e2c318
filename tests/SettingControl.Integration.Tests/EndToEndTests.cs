using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SettingControl.Contracts;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>A therapist's command travels REST/hub → grain → MQTT → firmware-sim and back to the dashboard.</summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private HostUnderTest _host = null!;

    public async Task InitializeAsync()
    {
        _host = await HostUnderTest.StartAsync(simulatedRooms: 2);
        await Eventually.TrueAsync(
            async () => (await _host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"),
            TimeSpan.FromSeconds(20),
            "room-1's simulated devices online");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_rest_command_fades_the_simulated_lights_and_the_dashboard_sees_the_fade()
    {
        await using var dashboard = await _host.ConnectHubAsync();
        var recorder = new SnapshotRecorder(dashboard);
        var joined = await dashboard.InvokeAsync<RoomSnapshot>("JoinRoom", "room-1");
        var light = _host.SimulatedDevices!["room-1-light-1"];
        var start = light.Current.Brightness!.Value;
        Assert.Equal(40, joined.Desired.Lighting.Brightness);

        var response = await _host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 10, colorTempK = 2200, transitionMs = 2000 });

        response.EnsureSuccessStatusCode();
        Assert.True(await light.WaitUntilAsync(s => s.Brightness == 10 && s.ColorTempK == 2200, TimeSpan.FromSeconds(15)), "the light reached the new level");
        Assert.True(await _host.SimulatedDevices["room-1-light-2"].WaitUntilAsync(s => s.Brightness == 10, TimeSpan.FromSeconds(15)));

        // The light faded: the dashboard saw actual levels between where it was and where it went,
        // while the desired (target) level stayed at 10 throughout.
        var final = await recorder.WaitForAsync(s => s.Devices.Any(d => d.DeviceId == "room-1-light-1" && d.Actual?.Brightness == 10), "final actual level pushed");
        var during = recorder.Received
            .Select(s => s.Devices.Single(d => d.DeviceId == "room-1-light-1").Actual?.Brightness)
            .Where(b => b is { } v && v > 10 && v < start)
            .ToArray();
        Assert.NotEmpty(during);
        Assert.All(recorder.Received.Where(s => s.Version >= final.Version), s => Assert.Equal(10, s.Desired.Lighting.Brightness));
        Assert.Equal(10, final.Desired.Lighting.Brightness);
        Assert.Equal(2000, final.LastTransitionMs);
        Assert.Equal("key:demo-api-key", final.LastChange!.By);
    }

    [Fact]
    public async Task A_hub_command_reaches_the_mask_and_every_watching_dashboard()
    {
        await using var tablet = await _host.ConnectHubAsync();
        await using var otherTablet = await _host.ConnectHubAsync();
        var otherRecorder = new SnapshotRecorder(otherTablet);
        await tablet.InvokeAsync<RoomSnapshot>("JoinRoom", "room-2");
        await otherTablet.InvokeAsync<RoomSnapshot>("JoinRoom", "room-2");

        var result = await tablet.InvokeAsync<RoomSnapshot>("SetMask", "room-2", new SetMaskRequest(On: true, Light: 35));

        Assert.Equal(new MaskDto(true, 35), result.Desired.Mask);
        var mask = _host.SimulatedDevices!["room-2-mask"];
        Assert.True(await mask.WaitUntilAsync(s => s.On && s.Light == 35, TimeSpan.FromSeconds(15)), "the mask light came on at 35 %");
        await otherRecorder.WaitForAsync(
            s => s.Desired.Mask.Light == 35 && s.Devices.Any(d => d.DeviceId == "room-2-mask" && d.Actual?.Light == 35),
            "the other tablet sees the mask's new desired and actual light");

        // The other room's mask is untouched by this command: it shows room-1's own desired state
        // (mask light off), which the controller put on it when it came online in factory state.
        Assert.True(await _host.SimulatedDevices["room-1-mask"].WaitUntilAsync(s => !s.On && s.Light == 0, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_room_list_and_health_show_a_working_facility()
    {
        var rooms = await _host.Http.GetFromJsonAsync<RoomSnapshot[]>("/api/rooms");
        Assert.Equal(["room-1", "room-2"], rooms!.Select(r => r.RoomId).ToArray());
        Assert.All(rooms!, r => Assert.Equal(3, r.Devices.Count));

        var health = await _host.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"broker\":\"connected\"", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_room_is_a_404_and_a_hub_error_and_is_never_created()
    {
        var get = await _host.Http.GetAsync("/api/rooms/room-99");
        var put = await _host.Http.PutAsJsonAsync("/api/rooms/room-99/lighting", new { brightness = 10 });
        await using var hub = await _host.ConnectHubAsync();
        var join = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<RoomSnapshot>("JoinRoom", "room-99"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Contains("does not exist", join.Message);
        var rooms = await _host.Http.GetFromJsonAsync<RoomSnapshot[]>("/api/rooms");
        Assert.DoesNotContain(rooms!, r => r.RoomId == "room-99");
    }
}
