using Microsoft.Extensions.Time.Testing;
using SettingControl.Contracts;

namespace SettingControl.Grains.Tests;

/// <summary>Sessions through the room grain: what is persisted, recorded and sent to the devices.</summary>
public sealed class SessionGrainTests : IAsyncLifetime
{
    private static readonly Actor Dana = new("therapist", "dana");
    private readonly string _databasePath = RoomCluster.NewDatabasePath();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private RoomCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RoomCluster.StartAsync(_databasePath, _time);
        await _cluster.Grains.GetGrain<IFacilityGrain>(IFacilityGrain.Key).EnsureRoom(new RoomDefinition("s", "Room S",
            [new DeviceAssignment("s-light", "light"), new DeviceAssignment("s-mask", "mask")]));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IRoomGrain Room => _cluster.Grains.GetGrain<IRoomGrain>("s");

    [Fact]
    public async Task Starting_a_session_applies_the_first_scene_and_begins_the_record()
    {
        var result = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "Tue 09:00"), Dana);

        Assert.Equal(CommandOutcome.Accepted, result.Outcome);
        var session = result.Snapshot!.Session!;
        Assert.Equal(("preparation", "waitingForDose"), (session.PhaseId, session.Clock));
        Assert.Equal(new LightingDto(true, 45, 2900), result.Snapshot.Desired.Lighting);
        var sent = _cluster.Devices.For("s-light").Last();
        Assert.Equal(45, sent.Brightness);
        Assert.Equal(60_000, sent.TransitionMs);
        var due = Assert.Single(session.Reminders, r => r.State == "due");
        Assert.Equal("Blood pressure before dosing", due.Title);

        var record = (await _cluster.Grains.GetGrain<ISessionRecordGrain>(session.SessionId).Get())!;
        Assert.Equal("s", record.RoomId);
        Assert.Equal(["session-started", "phase-started", "scene-applied", "reminder-due"], record.Events.Select(e => e.Type).ToArray());
        Assert.All(record.Events, e => Assert.NotNull(e.Actual));
        Assert.Equal("therapist:dana", record.Events[0].Actor);
    }

    [Fact]
    public async Task Unknown_protocols_and_second_sessions_are_refused()
    {
        var unknown = await Room.StartSession(new StartSessionRequest("no-such", "x"), Dana);
        Assert.Equal(CommandOutcome.Invalid, unknown.Outcome);
        Assert.Equal("protocolId", unknown.Errors.Single().Field);

        await Room.StartSession(new StartSessionRequest("integration", "first"), Dana);
        var second = await Room.StartSession(new StartSessionRequest("integration", "second"), Dana);
        Assert.Equal(CommandOutcome.Invalid, second.Outcome);
        Assert.Contains("still running", second.Errors.Single().Message);
    }

    [Fact]
    public async Task Lights_up_goes_to_every_device_with_no_transition_and_is_recorded()
    {
        var started = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "x"), Dana);
        await Room.SessionCommand(SessionAction.MarkDose, Dana);

        var up = await Room.SessionCommand(SessionAction.LightsUp, Dana);

        Assert.True(up.Snapshot!.LightsUp!.Active);
        Assert.Equal("held", up.Snapshot.Session!.Clock);
        var light = _cluster.Devices.For("s-light").Last();
        Assert.Equal((true, 100, 4000, 0), (light.On, light.Brightness!.Value, light.ColorTempK!.Value, light.TransitionMs));
        Assert.False(_cluster.Devices.For("s-mask").Last().On);
        var record = (await _cluster.Grains.GetGrain<ISessionRecordGrain>(started.Snapshot!.Session!.SessionId).Get())!;
        Assert.Contains(record.Events, e => e.Type == "lights-up" && e.Actor == "therapist:dana" && e.After!.Lighting.Brightness == 100);
    }

    [Fact]
    public async Task The_session_survives_a_silo_restart_in_the_right_phase()
    {
        var started = await Room.StartSession(new StartSessionRequest("esketamine-nasal", "x"), Dana);
        await Room.SessionCommand(SessionAction.MarkDose, Dana);
        await Room.AddNote("settled", Dana);
        await _cluster.DisposeAsync();

        _time.Advance(TimeSpan.FromMinutes(20));
        _cluster = await RoomCluster.StartAsync(_databasePath, _time);
        var snapshot = (await Room.GetSnapshot())!;

        // The clock is recomputed from persisted timestamps: 20 min 2 s after T0 is 5 min 2 s into
        // the 35-minute peak (which began at T+15).
        _time.Advance(TimeSpan.FromSeconds(2));
        await Eventually(async () => (await Room.GetSnapshot())!.Session!.PhaseId == "peak");
        snapshot = (await Room.GetSnapshot())!;
        Assert.Equal((30 * 60) - 2, snapshot.Session!.PhaseRemainingSeconds!.Value, 0);
        var record = (await _cluster.Grains.GetGrain<ISessionRecordGrain>(started.Snapshot!.Session!.SessionId).Get())!;
        Assert.Contains(record.Events, e => e.Type == "note" && e.Note == "settled");
        Assert.Contains(record.Events, e => e.Type == "phase-started" && e.Phase == "Peak");
    }

    [Fact]
    public async Task Staff_protocols_are_validated_stored_and_usable()
    {
        var registry = _cluster.Grains.GetGrain<IProtocolRegistryGrain>(IProtocolRegistryGrain.Key);
        var bad = await registry.Save("""{"id":"quick","name":"Quick","phases":[{"id":"a","name":"A","fadeSeconds":99999,"scene":{}}]}""");
        Assert.Equal("phases[0].fadeSeconds", Assert.Single(bad).Field);
        Assert.NotEmpty(await registry.Save("""{"id":"esketamine-nasal","name":"Mine","phases":[{"id":"a","name":"A","fadeSeconds":1,"scene":{}}]}"""));

        Assert.Empty(await registry.Save("""{"id":"quick","name":"Quick","phases":[{"id":"a","name":"A","durationMinutes":0.1,"fadeSeconds":1,"scene":{"lighting":{"on":true,"brightness":5,"colorTempK":2000}}}]}"""));

        Assert.Contains(await registry.List(), p => p.Id == "quick" && !p.BuiltIn);
        var result = await Room.StartSession(new StartSessionRequest("quick", "demo"), Dana);
        Assert.Equal(5, result.Snapshot!.Desired.Lighting.Brightness);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("condition never became true");
    }

    [Fact]
    public async Task Handing_back_an_unknown_attribute_is_refused_with_every_name_that_can_be_handed_back()
    {
        await Room.StartSession(new StartSessionRequest("esketamine-nasal", "Tue 09:00"), Dana);

        var result = await Room.ReleaseOverride("volume", Dana);

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Equal(
            new FieldError("attribute", "'volume' is not one of lightsOn, brightness, colorTempK, maskOn, maskLight, musicPlaylist, musicPlaying, musicVolume."),
            Assert.Single(result.Errors));
    }
}
