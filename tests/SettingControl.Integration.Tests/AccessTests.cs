using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Who may do what, over HTTP and the hub: anonymous, each role, API keys, room-limited therapists,
/// revocation, wrong Origin, sign-in throttling and the first-run setup token.
/// </summary>
public sealed class AccessTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private HostUnderTest _host = null!;

    public async Task InitializeAsync()
    {
        _host = await HostUnderTest.StartAsync(
            simulatedRooms: 2,
            extra: new Dictionary<string, string>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Orleans"] = "Warning",
                ["Logging:LogLevel:Microsoft.Orleans"] = "Warning",
                ["Security:FailedSignInsBeforeLockout"] = "3",
            },
            logs: _logs);
        await Eventually.TrueAsync(async () => (await _host.GetRoomAsync("room-1")).Devices.All(d => d.Availability == "online"), TimeSpan.FromSeconds(20), "room-1 online");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Anonymous_callers_get_nothing_but_health_and_the_page()
    {
        using var anonymous = _host.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/rooms")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/auth/me")).StatusCode);
        var session = await anonymous.GetFromJsonAsync<AuthSessionDto>("/api/auth/session");
        Assert.False(session!.SignedIn);
        Assert.Null(session.User);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode);
        Assert.Contains("\"openapi\"", await anonymous.GetStringAsync("/openapi/v1.json"));

        using var wrongKey = _host.NewClient("sck_0123456789ab_not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/api/rooms")).StatusCode);

        var hub = new HubConnectionBuilder().WithUrl(new Uri(_host.BaseUrl, "/hubs/rooms")).Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Each_role_may_do_its_own_work_and_nothing_more()
    {
        using var therapist = await _host.SignInAsync("therapist");
        using var staff = await _host.SignInAsync("staff");
        using var observer = await _host.SignInAsync("observer");
        using var admin = await _host.SignInAsync("admin");

        var me = await therapist.GetFromJsonAsync<MeDto>("/api/auth/me");
        Assert.Equal(Role.Therapist, me!.Role);
        Assert.True(me.CanControlRooms);
        Assert.False(me.CanProvision);
        var session = await therapist.GetFromJsonAsync<AuthSessionDto>("/api/auth/session");
        Assert.True(session!.SignedIn);
        Assert.Equal((me.Username, me.Role, me.CanControlRooms, me.CanProvision), (session.User!.Username, session.User.Role, session.User.CanControlRooms, session.User.CanProvision));
        Assert.False(session.SetupRequired);

        // Everyone signed in can watch.
        foreach (var client in new[] { therapist, staff, observer, admin })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/rooms/room-1")).StatusCode);
        }

        // Only therapists (and admins) change a room.
        Assert.Equal(HttpStatusCode.OK, (await therapist.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 21 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 90 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 90 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync("/api/rooms/room-1/lights-up", null)).StatusCode);
        var room = await _host.GetRoomAsync("room-1");
        Assert.Equal(21, room.Desired.Lighting.Brightness);
        Assert.Equal("user:therapist", room.LastChange!.By);

        // The staff console and its API are not the therapist's.
        Assert.Equal(HttpStatusCode.Forbidden, (await therapist.PostAsJsonAsync("/api/rooms", new { roomId = "room-x", name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await therapist.GetAsync("/api/devices")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await therapist.GetAsync("/api/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.GetAsync("/api/diagnostics")).StatusCode);

        // Staff provision; only admins manage accounts.
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync("/api/rooms", new { roomId = "room-staff", name = "Staff room" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/devices")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/accounts")).StatusCode);
    }

    [Fact]
    public async Task Hub_checks_every_call_and_refuses_an_observer()
    {
        using var admin = await _host.SignInAsync("admin");
        var created = await (await admin.PostAsJsonAsync("/api/api-keys", new { name = "wall display", role = "Observer" })).Content.ReadFromJsonAsync<CreatedApiKeyDto>();
        var hub = await _host.ConnectHubAsync(created!.Token);
        var before = await hub.InvokeAsync<RoomSnapshot>("JoinRoom", "room-1");

        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<RoomSnapshot>("SetLighting", "room-1", new SetLightingRequest(Brightness: 99)));
        Assert.Contains("Observers can watch rooms but not change them", refused.Message);
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<RoomSnapshot>("LightsUp", "room-1"));
        Assert.Equal(before.Desired, (await _host.GetRoomAsync("room-1")).Desired);

        // Revoked: the open connection is closed at once (pushes stop too), and HTTP is refused.
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/api-keys/{created.Key.KeyId}")).StatusCode);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Assert.ThrowsAnyAsync<Exception>(() => hub.InvokeAsync<RoomSnapshot>("JoinRoom", "room-1"));
        using var revoked = _host.NewClient(created.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/rooms")).StatusCode);
        await hub.DisposeAsync();

        // The key's secret is never written to the log, even at Trace level with the hub's access_token query.
        var secret = created.Token[$"sck_{created.Key.KeyId}_".Length..];
        Assert.True(secret.Length >= 40);
        Assert.DoesNotContain(_logs.Entries, l => l.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, l => l.Contains(HostUnderTest.ApiKey, StringComparison.Ordinal));
        Assert.NotEmpty(_logs.Entries);
    }

    [Fact]
    public async Task A_therapist_limited_to_some_rooms_controls_only_those_and_a_disabled_account_is_out_at_once()
    {
        using var admin = await _host.SignInAsync("admin");
        var create = await admin.PostAsJsonAsync("/api/accounts", new { username = "ana", password = "ana-password-1", role = "Therapist", rooms = new[] { "room-2" } });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        using var ana = await _host.SignInAsync("ana", "ana-password-1");

        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync("/api/rooms/room-2/lighting", new { brightness = 33 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ana.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 33 })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/accounts/ana", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ana.GetAsync("/api/rooms")).StatusCode);

        // The last admin cannot lock everyone out.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/accounts/admin", new { role = "Observer" })).StatusCode);
        // Weak passwords are refused with the field named.
        var weak = await admin.PostAsJsonAsync("/api/accounts", new { username = "bo", password = "short", role = "Staff" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("password", await weak.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_page_from_another_origin_cannot_open_the_hub_or_change_anything()
    {
        using var evil = _host.NewClient(HostUnderTest.ApiKey);
        evil.DefaultRequestHeaders.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await evil.PostAsync("/hubs/rooms/negotiate?negotiateVersion=1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await evil.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 77 })).StatusCode);
        Assert.NotEqual(77, (await _host.GetRoomAsync("room-1")).Desired.Lighting.Brightness);

        using var same = _host.NewClient(HostUnderTest.ApiKey);
        same.DefaultRequestHeaders.Add("Origin", _host.BaseUrl.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.OK, (await same.PostAsync("/hubs/rooms/negotiate?negotiateVersion=1", null)).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_are_refused_then_throttled_even_with_the_right_password()
    {
        using var client = _host.NewClient();
        for (var i = 0; i < 3; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/auth/sign-in", new { username = "staff", password = "guess-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("Wrong username or password", await wrong.Content.ReadAsStringAsync());
        }

        var locked = await client.PostAsJsonAsync("/api/auth/sign-in", new { username = "staff", password = HostUnderTest.DemoPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter is not null);
    }

    [Fact]
    public void Every_route_that_changes_something_names_who_may_call_it()
    {
        var open = new List<string>();
        foreach (var endpoint in _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var pattern = endpoint.RoutePattern.RawText ?? string.Empty;
            if (!pattern.StartsWith("/api", StringComparison.Ordinal) || methods.All(m => m is "GET" or "HEAD"))
            {
                continue;
            }

            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToArray();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var allowedAnonymous = pattern is "/api/auth/sign-in" or "/api/auth/sign-out" or "/api/setup";
            if (anonymous ? !allowedAnonymous : !policies.Any(p => p is AccessPolicies.ControlRoom or AccessPolicies.Provision or AccessPolicies.Administer))
            {
                open.Add($"{string.Join(",", methods)} {pattern}");
            }
        }

        Assert.Empty(open);
    }

    [Fact]
    public async Task First_start_without_an_admin_takes_the_one_time_setup_token_once()
    {
        await using var fresh = await HostUnderTest.StartAsync(simulatedRooms: 0, extra: new Dictionary<string, string> { ["Demo:Enabled"] = "false" });
        using var client = fresh.NewClient();
        Assert.True((await client.GetFromJsonAsync<SetupStatusDto>("/api/setup"))!.SetupRequired);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.Http.GetAsync("/api/rooms")).StatusCode); // no demo key outside demo mode
        var token = fresh.Services.GetRequiredService<SetupToken>().Current!;

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/setup", new { token = "wrong", username = "chief", password = "chief-password-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/setup", new { token, username = "chief", password = "chief-password-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/setup", new { token, username = "other", password = "other-password-1" })).StatusCode);
        Assert.False((await client.GetFromJsonAsync<SetupStatusDto>("/api/setup"))!.SetupRequired);

        using var chief = await fresh.SignInAsync("chief", "chief-password-1");
        Assert.Equal(Role.Admin, (await chief.GetFromJsonAsync<MeDto>("/api/auth/me"))!.Role);
    }
}
