using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Integration.Tests.Infrastructure;

namespace SettingControl.Integration.Tests;

/// <summary>
/// Sign-in, sign-out and what a changed account does to open dashboards (issue 11: M1, M5, L2, L3, L7):
/// bounded usernames and log values, an atomic sign-in limit that a stranger cannot turn into a lockout,
/// a sign-out that revokes the cookie, and hub connections closed the moment their account changes.
/// </summary>
public sealed class SignInAndSessionTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private HostUnderTest _host = null!;

    public async Task InitializeAsync()
    {
        _host = await HostUnderTest.StartAsync(
            simulatedRooms: 1,
            extra: new Dictionary<string, string>
            {
                ["Logging:LogLevel:Orleans"] = "Warning",
                ["Logging:LogLevel:Microsoft.Orleans"] = "Warning",

                // Long enough that no window ends while a test runs.
                ["Security:LockoutSeconds"] = "600",
            },
            logs: _logs);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_username_over_64_characters_is_refused_before_any_password_check_and_never_logged_whole()
    {
        using var client = _host.NewClient();
        var failedBefore = SignInFailures();
        var longName = "a" + new string('x', 64);

        var refused = await client.PostAsJsonAsync("/api/auth/sign-in", new { username = longName, password = "whatever-password" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("at most 64 characters", await refused.Content.ReadAsStringAsync());

        // Megabytes of username are not even read: refused by their length, or stopped at 4 KB when sent without one.
        var huge = System.Text.Json.JsonSerializer.Serialize(new { username = new string('y', 5 * 1024 * 1024), password = "whatever-password" });
        // The host answers 413 from the length alone and closes the connection rather than read 5 MB: a client that
        // writes the whole body at once can hit that close mid-write (a broken pipe) before it reads the answer. A
        // client that asks first (Expect: 100-continue) always gets the 413 and never sends the body.
        using var asking = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = _host.BaseUrl };
        asking.DefaultRequestHeaders.ExpectContinue = true;
        var tooLarge = await asking.PostAsync("/api/auth/sign-in", new StringContent(huge, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        // Sent without a length, the body is read up to 4 KB and refused there. 64 KB is sixteen times the limit and
        // small enough to sit in the socket's buffer, so the client has finished writing when the refusal comes (a
        // multi-megabyte stream would be cut off mid-write by the same refusal, a broken pipe instead of an answer).
        var streamed = await client.PostAsJsonAsync("/api/auth/sign-in", new { username = new string('y', 64 * 1024), password = "whatever-password" });
        Assert.Equal(HttpStatusCode.BadRequest, streamed.StatusCode);
        Assert.Contains("too large", await streamed.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(failedBefore, SignInFailures());
        Assert.DoesNotContain(_logs.Entries, l => l.Contains(longName, StringComparison.Ordinal) || l.Contains(new string('y', 100), StringComparison.Ordinal));

        // A long but allowed name that fails is logged cut short.
        var name64 = "b" + new string('z', 63);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/sign-in", new { username = name64, password = "whatever-password" })).StatusCode);
        await Eventually.TrueAsync(() => _logs.Entries.Any(l => l.Contains("Failed sign-in for " + name64, StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the failure logged");
    }

    [Fact]
    public async Task A_username_with_a_newline_is_logged_escaped_and_never_starts_a_line_of_its_own()
    {
        using var client = _host.NewClient();
        var forged = "mallory\nwarn: SettingControl.Security[0] admin signed in";

        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { username = forged, password = "whatever-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Eventually.TrueAsync(
            () => _logs.Entries.Any(l => l.Contains(@"Failed sign-in for mallory\nwarn: SettingControl.Security[0] admin signed in", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "the failure logged with the newline escaped");
        Assert.DoesNotContain(_logs.Entries, l => l.Contains("mallory\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sixty_one_sign_ins_at_once_get_at_most_five_password_checks_the_rest_are_told_to_wait()
    {
        var failedBefore = SignInFailures();
        using var client = _host.NewClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 61).Select(i =>
            client.PostAsJsonAsync("/api/auth/sign-in", new { username = "staff", password = "guess-" + i })));

        var checkedPasswords = responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized);
        Assert.InRange(checkedPasswords, 1, 5);
        Assert.Equal(61 - checkedPasswords, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.Equal(failedBefore + checkedPasswords, SignInFailures());
    }

    [Fact]
    public async Task A_stranger_guessing_at_the_admin_password_is_stopped_but_the_admin_still_signs_in_from_their_own_tablet()
    {
        using var stranger = ClientFrom(IPAddress.Parse("127.0.0.2"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsJsonAsync("/api/auth/sign-in", new { username = "admin", password = "guess-" + i })).StatusCode);
        }

        // The stranger is stopped, even with the right password...
        var stopped = await stranger.PostAsJsonAsync("/api/auth/sign-in", new { username = "admin", password = HostUnderTest.DemoPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, stopped.StatusCode);
        Assert.NotNull(stopped.Headers.RetryAfter);

        // ...but the admin at another address is not locked out.
        using var adminTablet = ClientFrom(IPAddress.Loopback);
        var signedIn = await adminTablet.PostAsJsonAsync("/api/auth/sign-in", new { username = "admin", password = HostUnderTest.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task A_copied_cookie_stops_working_after_sign_out_and_stays_refused_after_a_restart()
    {
        await CreateAccountAsync("ana", Role.Therapist);
        var (ana, cookies) = await SignInWithCookiesAsync("ana");
        var copied = cookies.GetCookieHeader(_host.BaseUrl);
        Assert.Contains("settingcontrol.auth=", copied);
        var (_, otherTablet) = await SignInWithCookiesAsync("ana");
        var stillSignedIn = otherTablet.GetCookieHeader(_host.BaseUrl);
        using var withCopy = ClientWithCookie(copied);
        Assert.Equal(HttpStatusCode.OK, (await withCopy.GetAsync("/api/auth/me")).StatusCode);
        var hub = await ConnectWithCookiesAsync(cookies);
        var hubClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            hubClosed.TrySetResult();
            return Task.CompletedTask;
        };

        Assert.Equal(HttpStatusCode.NoContent, (await ana.PostAsync("/api/auth/sign-out", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await withCopy.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withCopy.GetAsync("/api/rooms")).StatusCode);
        await hubClosed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await hub.DisposeAsync();

        // Signing out one tablet does not sign out the account's other tablets.
        using var other = ClientWithCookie(stillSignedIn);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/auth/me")).StatusCode);

        // The sign-out is stored: after a restart the copy is still refused, the other tablet still signed in.
        var dataDirectory = _host.DataDirectory;
        await _host.StopAsync();
        _host = await HostUnderTest.StartAsync(simulatedRooms: 1, dataDirectory: dataDirectory, logs: _logs);
        using var copyAfterRestart = ClientWithCookie(copied);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copyAfterRestart.GetAsync("/api/auth/me")).StatusCode);
        using var otherAfterRestart = ClientWithCookie(stillSignedIn);
        Assert.Equal(HttpStatusCode.OK, (await otherAfterRestart.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_dashboard_stops_receiving_room_changes_the_moment_its_account_is_disabled_its_key_revoked_or_its_role_changed()
    {
        await CreateAccountAsync("dora", Role.Therapist);
        await CreateAccountAsync("rolf", Role.Therapist);
        var (_, doraCookies) = await SignInWithCookiesAsync("dora");
        var (_, rolfCookies) = await SignInWithCookiesAsync("rolf");
        var key = await (await _host.Http.PostAsJsonAsync("/api/api-keys", new { name = "night script", role = "Therapist" })).Content.ReadFromJsonAsync<CreatedApiKeyDto>();

        var watchers = new Dictionary<string, Watcher>
        {
            ["disabled"] = await WatchRoomAsync(await ConnectWithCookiesAsync(doraCookies)),
            ["role changed"] = await WatchRoomAsync(await ConnectWithCookiesAsync(rolfCookies)),
            ["key revoked"] = await WatchRoomAsync(await _host.ConnectHubAsync(key!.Token)),
        };
        var admin = await WatchRoomAsync(await _host.ConnectHubAsync());

        // Every dashboard sees a change while its access is as it was.
        await SetBrightnessAsync(11);
        foreach (var (what, watcher) in watchers.Append(new("admin", admin)))
        {
            await Eventually.TrueAsync(() => watcher.LastBrightness == 11, TimeSpan.FromSeconds(15), $"{what}: the change pushed");
        }

        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PutAsJsonAsync("/api/accounts/dora", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PutAsJsonAsync("/api/accounts/rolf", new { role = "Observer" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Http.DeleteAsync($"/api/api-keys/{key.Key.KeyId}")).StatusCode);

        foreach (var (what, watcher) in watchers)
        {
            await watcher.Closed.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(HubConnectionState.Disconnected, watcher.Connection.State);
        }

        // The next change reaches the admin's dashboard and none of the closed ones.
        await SetBrightnessAsync(12);
        await Eventually.TrueAsync(() => admin.LastBrightness == 12, TimeSpan.FromSeconds(15), "admin: the next change pushed");
        Assert.All(watchers.Values, w => Assert.Equal(11, w.LastBrightness));
        Assert.True(_host.Services.GetRequiredService<HubConnections>().Count >= 1);

        foreach (var watcher in watchers.Values.Append(admin))
        {
            await watcher.Connection.DisposeAsync();
        }
    }

    private sealed class Watcher(HubConnection connection)
    {
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _lastBrightness = -1;

        public HubConnection Connection { get; } = connection;

        public Task Closed => _closed.Task;

        public int LastBrightness => Volatile.Read(ref _lastBrightness);

        public void Saw(RoomSnapshot snapshot) => Volatile.Write(ref _lastBrightness, snapshot.Desired.Lighting.Brightness);

        public void Close() => _closed.TrySetResult();
    }

    private static async Task<Watcher> WatchRoomAsync(HubConnection connection)
    {
        var watcher = new Watcher(connection);
        connection.On<RoomSnapshot>("RoomChanged", watcher.Saw);
        connection.Closed += _ =>
        {
            watcher.Close();
            return Task.CompletedTask;
        };
        await connection.InvokeAsync<RoomSnapshot>("JoinRoom", "room-1");
        return watcher;
    }

    private async Task SetBrightnessAsync(int brightness) =>
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness, transitionMs = 0 })).StatusCode);

    private long SignInFailures()
    {
        var snapshot = System.Text.Json.JsonSerializer.SerializeToElement(_host.Services.GetRequiredService<SecurityCounters>().Snapshot());
        return snapshot.GetProperty("signInFailed").GetInt64();
    }

    private async Task CreateAccountAsync(string username, Role role) =>
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsJsonAsync("/api/accounts", new { username, password = username + "-password-1", role = role.ToString() })).StatusCode);

    private async Task<(HttpClient Client, CookieContainer Cookies)> SignInWithCookiesAsync(string username)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = _host.BaseUrl };
        client.DefaultRequestHeaders.Add("Origin", _host.BaseUrl.GetLeftPart(UriPartial.Authority));
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { username, password = username + "-password-1" });
        response.EnsureSuccessStatusCode();
        return (client, cookies);
    }

    /// <summary>A client that sends a cookie header copied from elsewhere (as a stolen cookie would be).</summary>
    private HttpClient ClientWithCookie(string cookieHeader)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _host.BaseUrl };
        client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        return client;
    }

    private async Task<HubConnection> ConnectWithCookiesAsync(CookieContainer cookies)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_host.BaseUrl, "/hubs/rooms"), o => o.Cookies = cookies)
            .Build();
        await connection.StartAsync();
        return connection;
    }

    /// <summary>
    /// A client whose connections come from <paramref name="source"/>: Linux routes all of 127.0.0.0/8 to the
    /// loopback device, so 127.0.0.2 is another machine as far as the host can tell.
    /// </summary>
    private HttpClient ClientFrom(IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = _host.BaseUrl };
        client.DefaultRequestHeaders.Add("Origin", _host.BaseUrl.GetLeftPart(UriPartial.Authority));
        return client;
    }
}

/// <summary>The sign-in limiter on its own: its windows end, so nothing a caller did stays counted for good.</summary>
public sealed class SignInLimiterTests
{
    [Fact]
    public async Task A_used_up_sign_in_window_ends_and_the_same_address_and_account_may_try_again()
    {
        using var limiter = new SignInLimiter(Microsoft.Extensions.Options.Options.Create(new SecurityOptions { FailedSignInsBeforeLockout = 1, LockoutSeconds = 1 }));
        var address = IPAddress.Parse("192.0.2.7");

        Assert.Null(limiter.TryAcquire(address, "Admin"));
        Assert.NotNull(limiter.TryAcquire(address, "admin"));
        Assert.Null(limiter.TryAcquire(IPAddress.Parse("192.0.2.8"), "admin"));

        await Eventually.TrueAsync(() => limiter.TryAcquire(address, "admin") is null, TimeSpan.FromSeconds(10), "the window ended");
    }

    [Fact]
    public void An_ipv6_client_counts_as_its_64_and_an_ipv4_mapped_address_as_itself()
    {
        Assert.Equal(SignInLimiter.KeyOf(IPAddress.Parse("2001:db8:1:2:aaaa::1")), SignInLimiter.KeyOf(IPAddress.Parse("2001:db8:1:2:bbbb::9")));
        Assert.NotEqual(SignInLimiter.KeyOf(IPAddress.Parse("2001:db8:1:2::1")), SignInLimiter.KeyOf(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("192.0.2.7", SignInLimiter.KeyOf(IPAddress.Parse("::ffff:192.0.2.7")));
    }
}
