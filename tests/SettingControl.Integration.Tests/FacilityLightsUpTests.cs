using System.Net;
using System.Net.Http.Json;
using SettingControl.Contracts;
using SettingControl.Host.Api;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Lights up in every room with one request (POST /api/lights-up), on a running host with simulated devices: the
/// lights of each room the caller may control come up, the others stay as they were.
/// </summary>
public sealed class FacilityLightsUpTests : IAsyncLifetime
{
    private HostUnderTest _host = null!;

    public async Task InitializeAsync()
    {
        _host = await HostUnderTest.StartAsync(simulatedRooms: 3);
        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(new[] { "room-1", "room-2", "room-3" }.Select(_host.GetRoomAsync))).All(r => r.Devices.All(d => d.Availability == "online")),
            TimeSpan.FromSeconds(20),
            "every room online");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task One_request_lights_every_room_the_caller_may_control_and_no_other()
    {
        using var admin = await _host.SignInAsync("admin");
        foreach (var room in new[] { "room-1", "room-2", "room-3" })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/rooms/{room}/lighting", new { brightness = 12, transitionMs = 0 })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/accounts", new { username = "ana", password = "ana-password-1", role = "Therapist", rooms = new[] { "room-2" } })).StatusCode);
        using var ana = await _host.SignInAsync("ana", "ana-password-1");
        using var observer = await _host.SignInAsync("observer");
        using var staff = await _host.SignInAsync("staff");

        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync("/api/lights-up", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync("/api/lights-up", null)).StatusCode);

        // A therapist assigned to room 2 lights room 2 only.
        var limited = await (await ana.PostAsync("/api/lights-up", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<FacilityLightsUpApi.FacilityLightsUpResult>();
        Assert.Equal(1, limited!.Rooms);
        Assert.Equal(["room-2"], limited.Lit);
        await LightsAt("room-2", 100);
        Assert.NotEqual(true, (await _host.GetRoomAsync("room-1")).LightsUp?.Active);
        Assert.NotEqual(true, (await _host.GetRoomAsync("room-3")).LightsUp?.Active);

        // The admin lights every room: the lights report 100 % and each room shows Lights up, by whom.
        var all = await (await admin.PostAsync("/api/lights-up", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<FacilityLightsUpApi.FacilityLightsUpResult>();
        Assert.Equal(3, all!.Rooms);
        Assert.Equal(["room-1", "room-2", "room-3"], all.Lit);
        Assert.Empty(all.NotLit);
        foreach (var room in new[] { "room-1", "room-3" })
        {
            await LightsAt(room, 100);
            var lightsUp = (await _host.GetRoomAsync(room)).LightsUp;
            Assert.True(lightsUp!.Active);
            Assert.Equal("user:admin", lightsUp.By);
        }
    }

    private Task LightsAt(string roomId, int brightness) =>
        Eventually.TrueAsync(
            async () => (await _host.GetRoomAsync(roomId)).Devices.Where(d => string.Equals(d.Kind, "light", StringComparison.OrdinalIgnoreCase)).All(d => d.Actual?.Brightness == brightness),
            TimeSpan.FromSeconds(10),
            $"{roomId}'s lights at {brightness} %");
}
