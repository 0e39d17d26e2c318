using System.Text.Json;
using SettingControl.Contracts.Storage;
using Microsoft.Extensions.Time.Testing;
using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

/// <summary>The phase clock, fades, overrides, Lights up and reminders, driven by a fake clock.</summary>
public class SessionTests
{
    private const string Therapist = "therapist:dana";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly TreatmentRoom _room = new();
    private readonly List<RoomEvent> _events = [];

    private DateTimeOffset Now => _time.GetUtcNow();

    private RoomChange Do(Func<TreatmentRoom, RoomChange> operation)
    {
        var change = operation(_room);
        Assert.False(change.Refused, change.Refused ? change.Errors[0].Message : null);
        _events.AddRange(change.Events);
        return change;
    }

    /// <summary>Lets time pass the way the room grain does: a tick every second.</summary>
    private void Run(TimeSpan duration)
    {
        var end = Now + duration;
        while (Now < end)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _events.AddRange(_room.Tick(Now, ActualLevels.Unknown).Events);
        }
    }

    private Session Session => _room.Session!;

    [Fact]
    public void A_whole_esketamine_session_runs_through_every_phase_on_time_in_milliseconds()
    {
        var protocol = TestProtocols.Load("esketamine-nasal");
        var started = Now;
        Do(r => r.StartSession(protocol, "Tue 09:00 room 1", "s1", Therapist, Now, ActualLevels.Unknown));
        Assert.Equal("preparation", Session.Phase.Id);
        Assert.Equal(ClockState.WaitingForDose, Session.ClockAt(Now));

        Run(TimeSpan.FromMinutes(12));
        Assert.Equal("preparation", Session.Phase.Id);
        var doseAt = Now;
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        Assert.Equal("dosing", Session.Phase.Id);

        Run(TimeSpan.FromHours(3));

        var phases = _events.Where(e => e.Type == "phase-started").Select(e => (e.Phase, Minutes: (e.At - doseAt).TotalMinutes)).ToArray();
        Assert.Equal(
            [("Preparation and intention", -12.0), ("Dosing and onset", 0.0), ("Peak", 15.0), ("Return / emergence", 50.0), ("Recovery", 90.0), ("Discharge", 120.0)],
            phases);
        Assert.Equal("discharge", Session.Phase.Id);
        Assert.Equal(ClockState.Untimed, Session.ClockAt(Now));

        var due = _events.Where(e => e.Type == "reminder-due").Select(e => (e.Summary, Minutes: Math.Round((e.At - doseAt).TotalMinutes))).ToArray();
        Assert.Contains(("Due: Blood pressure before dosing", -12.0), due);
        Assert.Contains(("Due: Second spray device (T+5)", 5.0), due);
        Assert.Contains(("Due: Third spray device (T+10)", 10.0), due);
        Assert.Contains(("Due: Blood pressure (T+40)", 40.0), due);
        Assert.Contains(("Due: Discharge assessment (not before T+120)", 120.0), due);
        Assert.True(_events.Count(e => e.Type == "reminder-realerted") > 0, "unacknowledged reminders re-alert");

        // The emergence ramp: 20 minutes from the peak's dim warm light up to the return scene.
        var emergence = _events.Single(e => e.Type == "scene-applied" && e.Phase == "Return / emergence");
        Assert.Equal(1_200_000, emergence.TransitionMs);
        Assert.Equal((10, 40), (emergence.Before!.Lighting.Brightness, emergence.After!.Lighting.Brightness));
        Assert.Equal(started, _events[0].At);
    }

    [Fact]
    public void Holding_the_clock_delays_the_next_phase_by_the_time_held_and_extending_adds_time()
    {
        var protocol = TestProtocols.Load("im-injection");
        Do(r => r.StartSession(protocol, "s", "s2", Therapist, Now, ActualLevels.Unknown));
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        var dose = Now;
        Run(TimeSpan.FromMinutes(2));
        Do(r => r.HoldClock(Therapist, Now));
        Assert.Equal(ClockState.Held, Session.ClockAt(Now));
        Run(TimeSpan.FromMinutes(10));
        Assert.Equal("onset", Session.Phase.Id);
        Assert.Equal(TimeSpan.FromMinutes(3), Session.PhaseRemaining(Now));
        Do(r => r.ResumeClock(Therapist, Now));
        Do(r => r.ExtendPhase(4, Therapist, Now));
        Assert.Equal(TimeSpan.FromMinutes(7), Session.PhaseRemaining(Now));

        Run(TimeSpan.FromMinutes(8));

        Assert.Equal("peak", Session.Phase.Id);
        var peakStart = _events.Last(e => e.Type == "phase-started").At;
        Assert.Equal(dose + TimeSpan.FromMinutes(5 + 10 + 4), peakStart);
    }

    [Fact]
    public void After_a_restart_the_room_is_in_the_right_phase_with_the_right_remaining_time_and_fade_position()
    {
        var protocol = TestProtocols.Load("esketamine-nasal");
        Do(r => r.StartSession(protocol, "s", "s3", Therapist, Now, ActualLevels.Unknown));
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        var dose = Now;
        Run(TimeSpan.FromMinutes(55));
        Assert.Equal("return", Session.Phase.Id);

        // The host goes down: state is what storage holds (JSON, computed properties not stored).
        var options = StoredStateJson.Options;
        var stored = JsonSerializer.Serialize(_room, options);
        _time.Advance(TimeSpan.FromMinutes(50));
        var restored = JsonSerializer.Deserialize<TreatmentRoom>(stored, options)!;

        var change = restored.Tick(Now, ActualLevels.Unknown);

        Assert.Equal("recovery", restored.Session!.Phase.Id);
        Assert.Equal(dose + TimeSpan.FromMinutes(90), restored.Session.PhaseStartedAt);
        Assert.Equal(TimeSpan.FromMinutes(15), restored.Session.PhaseRemaining(Now));
        Assert.Contains(change.Events, e => e.Type == "phase-started" && e.Phase == "Recovery" && e.At == dose + TimeSpan.FromMinutes(90));

        // Recovery's 5-minute fade began 15 minutes ago: it has arrived, and its start was computed from the
        // emergence ramp's persisted position, not restarted from now.
        Assert.Equal(55, restored.Lights.LightingAt(Now).Brightness);
        Assert.Equal(dose + TimeSpan.FromMinutes(90), restored.Lights.Brightness.Start);
        Assert.Equal(40, restored.Lights.Brightness.From, 3);
    }

    [Fact]
    public void Restart_in_the_middle_of_a_fade_shows_the_fade_where_it_should_be()
    {
        var protocol = TestProtocols.Load("esketamine-nasal");
        Do(r => r.StartSession(protocol, "s", "s4", Therapist, Now, ActualLevels.Unknown));
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        Run(TimeSpan.FromMinutes(50));
        Assert.Equal("return", Session.Phase.Id);
        var rampStart = Session.PhaseStartedAt;

        _time.Advance(TimeSpan.FromMinutes(10));
        _room.Tick(Now, ActualLevels.Unknown);

        // Half way through the 20-minute emergence ramp from 10 % to 40 %.
        Assert.Equal(25, _room.Lights.LightingAt(Now).Brightness);
        Assert.Equal(rampStart, _room.Lights.Brightness.Start);
    }

    [Fact]
    public void A_manual_change_overrides_only_that_attribute_until_the_next_phase()
    {
        var protocol = TestProtocols.Load("esketamine-nasal");
        Do(r => r.StartSession(protocol, "s", "s5", Therapist, Now, ActualLevels.Unknown));
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        Run(TimeSpan.FromMinutes(55));
        Assert.Equal("return", Session.Phase.Id);

        // Mid emergence ramp, the therapist dims: brightness is theirs, the colour keeps following the ramp.
        Do(r => r.SetLighting(new LightingCommand(null, 15, null, 2000), Therapist, Now, ActualLevels.Unknown));
        Assert.Equal([ProgramAttribute.Brightness], Session.Overrides);
        Assert.True(_room.Lights.ColorTempK.IsMovingAt(Now));
        Assert.Equal(2900, _room.Lights.Desired.Lighting.ColorTempK);

        Run(TimeSpan.FromMinutes(20));
        Assert.Equal("return", Session.Phase.Id);
        Assert.Equal(15, _room.Lights.Desired.Lighting.Brightness);
        Assert.DoesNotContain(_events, e => e.Type == "lighting-changed" && e.Actor != Therapist);

        Run(TimeSpan.FromMinutes(20));
        Assert.Equal("recovery", Session.Phase.Id);
        Assert.Empty(Session.Overrides);
        Assert.Equal(55, _room.Lights.Desired.Lighting.Brightness);
    }

    [Fact]
    public void Handing_an_attribute_back_returns_it_to_the_program_with_a_short_fade()
    {
        var protocol = TestProtocols.Load("integration");
        Do(r => r.StartSession(protocol, "s", "s6", Therapist, Now, ActualLevels.Unknown));
        Run(TimeSpan.FromSeconds(40));
        Do(r => r.SetLighting(new LightingCommand(null, 90, 5000, 0), Therapist, Now, ActualLevels.Unknown));
        Do(r => r.ReleaseOverride(ProgramAttribute.ColorTempK, Therapist, Now, ActualLevels.Unknown));

        Assert.Equal([ProgramAttribute.Brightness], Session.Overrides);
        Assert.Equal(3000, _room.Lights.Desired.Lighting.ColorTempK);
        Assert.Equal(90, _room.Lights.Desired.Lighting.Brightness);
        Assert.Equal(TreatmentRoom.ReturnFadeMs, _room.Lights.ColorTempK.DurationMs);
        Assert.True(_room.ReleaseOverride(ProgramAttribute.ColorTempK, Therapist, Now, ActualLevels.Unknown).Refused);
    }

    [Fact]
    public void Lights_up_gives_full_neutral_light_at_once_holds_the_clock_and_resume_returns_to_the_program()
    {
        var protocol = TestProtocols.Load("esketamine-nasal");
        Do(r => r.StartSession(protocol, "s", "s7", Therapist, Now, ActualLevels.Unknown));
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        Run(TimeSpan.FromMinutes(20));
        Assert.Equal("peak", Session.Phase.Id);
        var remaining = Session.PhaseRemaining(Now);

        var up = Do(r => r.LightsUpOn(Therapist, Now));

        Assert.True(up.LightsChanged && up.MaskChanged);
        Assert.Equal(new LightingSetting(true, 100, 4000), _room.Lights.LightingAt(Now));
        Assert.False(_room.Lights.IsMovingAt(Now));
        Assert.False(_room.Lights.Desired.Mask.On);
        Assert.Equal(ClockState.Held, Session.ClockAt(Now));

        // Pressed again: nothing in the program moves, but every device is sent Lights up once more.
        var again = _room.LightsUpOn(Therapist, Now);
        Assert.False(again.Refused);
        Assert.True(again.LightsChanged && again.MaskChanged && again.IsSafetyAction);
        Assert.False(again.StateChanged);
        Assert.Equal("lights-up-resent", Assert.Single(again.Events).Type);
        Assert.Equal(ClockState.Held, Session.ClockAt(Now));

        Run(TimeSpan.FromMinutes(30));
        Assert.Equal("peak", Session.Phase.Id);
        Assert.Equal(remaining, Session.PhaseRemaining(Now));

        Do(r => r.LightsUpResume(Therapist, Now, new ActualLevels(100, 4000, 0)));
        Assert.Null(_room.LightsUp);
        Assert.Equal(ClockState.Running, Session.ClockAt(Now));
        Assert.Equal(new LightingSetting(true, 10, 2200), _room.Lights.Desired.Lighting);
        Assert.Equal(TreatmentRoom.ReturnFadeMs, _room.Lights.Brightness.DurationMs);
        Assert.Equal(100, _room.Lights.Brightness.From);
    }

    [Fact]
    public void Lights_up_without_a_session_returns_to_the_light_before_it()
    {
        Do(r => r.SetLighting(new LightingCommand(true, 12, 2100, 0), Therapist, Now, ActualLevels.Unknown));
        Do(r => r.LightsUpOn(Therapist, Now));
        Do(r => r.LightsUpResume(Therapist, Now, ActualLevels.Unknown));

        Assert.Equal(new LightingSetting(true, 12, 2100), _room.Lights.Desired.Lighting);
    }

    [Fact]
    public void Reminders_go_due_realert_until_acknowledged_and_repeat()
    {
        var protocol = TestProtocols.Load("iv-infusion");
        Do(r => r.StartSession(protocol, "s", "s8", Therapist, Now, ActualLevels.Unknown));
        Do(r => r.CompleteReminder("r1", Therapist, Now));
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        Run(TimeSpan.FromMinutes(15));
        var vitals = Session.Reminders.Single(r => r.Title == "Vitals" && r.State == ReminderState.Due);
        Assert.Equal(ReminderPriority.Medium, vitals.Priority);

        Run(TimeSpan.FromMinutes(11));
        Assert.Equal(2, vitals.RealertCount);
        Do(r => r.AcknowledgeReminder(vitals.Id, Therapist, Now));
        Run(TimeSpan.FromMinutes(3));
        Assert.Equal(2, vitals.RealertCount);
        Assert.Equal(ReminderState.Acknowledged, vitals.State);
        Do(r => r.CompleteReminder(vitals.Id, Therapist, Now));
        Assert.True(_room.AcknowledgeReminder(vitals.Id, Therapist, Now).Refused);

        Run(TimeSpan.FromMinutes(100));
        var times = Session.Reminders.Where(r => r.Title == "Vitals").Select(r => (r.DueAt - Session.DoseAt!.Value).TotalMinutes).ToArray();
        Assert.Equal([15.0, 30, 45, 60, 75, 90, 105], times);
    }

    [Fact]
    public void An_acknowledge_or_a_done_tapped_by_mistake_can_be_undone_and_the_record_keeps_both()
    {
        var protocol = TestProtocols.Load("iv-infusion");
        Do(r => r.StartSession(protocol, "s", "s9", Therapist, Now, ActualLevels.Unknown));
        var due = Session.Reminders.Single(r => r.Id == "r1");
        Assert.Equal(ReminderState.Due, due.State);

        Do(r => r.AcknowledgeReminder("r1", Therapist, Now));
        var undo = _room.UndoReminder("r1", Therapist, Now);
        Assert.False(undo.Refused);
        Assert.Equal(ReminderState.Due, due.State);
        Assert.Null(due.AcknowledgedBy);
        Assert.Contains(undo.Events, e => e.Type == RoomEventTypes.ReminderUndone && e.Summary.Contains("due again", StringComparison.Ordinal));

        // Done on a reminder still scheduled for later, undone: scheduled again, not due.
        Do(r => r.MarkDose(Therapist, Now, ActualLevels.Unknown));
        var later = Session.Reminders.First(r => r.State == ReminderState.Scheduled);
        Do(r => r.CompleteReminder(later.Id, Therapist, Now));
        Assert.Equal(ReminderState.Done, later.State);
        Do(r => r.UndoReminder(later.Id, Therapist, Now));
        Assert.Equal(ReminderState.Scheduled, later.State);
        Assert.Null(later.DoneAt);

        // Done after acknowledging, undone: acknowledged again. Nothing left to undo on an open, untouched reminder.
        Do(r => r.AcknowledgeReminder("r1", Therapist, Now));
        Do(r => r.CompleteReminder("r1", Therapist, Now));
        Do(r => r.UndoReminder("r1", Therapist, Now));
        Assert.Equal(ReminderState.Acknowledged, due.State);
        Assert.True(_room.UndoReminder(later.Id, Therapist, Now).Refused);
    }

    [Fact]
    public void A_therapist_reminder_and_notes_belong_to_the_session()
    {
        Assert.True(_room.AddNote("before any session", Therapist, Now).Refused);
        Do(r => r.StartSession(TestProtocols.Load("integration"), "s", "s9", Therapist, Now, ActualLevels.Unknown));
        Do(r => r.AddReminder("Water", ReminderPriority.Low, 5, Therapist, Now));
        var note = Do(r => r.AddNote("Patient settled, eyes closed", Therapist, Now));

        Assert.Equal("Patient settled, eyes closed", note.Events.Single().Note);
        Run(TimeSpan.FromMinutes(5));
        Assert.Equal(ReminderState.Due, Session.Reminders.Single(r => r.Title == "Water").State);
        Assert.True(_room.AddReminder("", ReminderPriority.Low, 5, Therapist, Now).Refused);
        Assert.True(_room.AddReminder("x", ReminderPriority.Low, 5000, Therapist, Now).Refused);
    }

    [Fact]
    public void Jumping_and_ending_are_recorded_and_a_second_session_waits_for_the_first_to_end()
    {
        var protocol = TestProtocols.Load("esketamine-nasal");
        Do(r => r.StartSession(protocol, "first", "s10", Therapist, Now, ActualLevels.Unknown));
        Assert.True(_room.StartSession(protocol, "second", "s11", Therapist, Now, ActualLevels.Unknown).Refused);
        Assert.True(_room.JumpToPhase("nope", Therapist, Now, ActualLevels.Unknown).Refused);
        Do(r => r.JumpToPhase("recovery", Therapist, Now, ActualLevels.Unknown));
        Assert.Equal("recovery", Session.Phase.Id);
        Assert.True(_room.ExtendPhase(0, Therapist, Now).Refused);
        Do(r => r.EndSession(Therapist, Now));
        Assert.Equal(ClockState.Ended, Session.ClockAt(Now));
        Do(r => r.StartSession(protocol, "second", "s11", Therapist, Now, ActualLevels.Unknown));
        Assert.Equal("s11", Session.SessionId);
    }

    [Fact]
    public void Every_built_in_protocol_file_is_valid()
    {
        var files = Directory.EnumerateFiles(TestProtocols.Directory, "*.json").ToArray();
        Assert.True(files.Length >= 5);
        var ids = files.Select(f => ProtocolFormat.Read(File.ReadAllText(f))).Select(r => r.Protocol?.Id ?? "invalid:" + string.Join(";", r.Errors.Select(e => e.Message))).ToArray();
        Assert.Equal(["esketamine-nasal", "im-injection", "integration", "iv-infusion", "sublingual-lozenge"], ids.Order().ToArray());
    }

    [Theory]
    [InlineData("""{"id":"x","name":"X","phases":[]}""", "phases")]
    [InlineData("""{"id":"Bad Id","name":"X","phases":[{"id":"a","name":"A","fadeSeconds":0,"scene":{}}]}""", "id")]
    [InlineData("""{"id":"x","name":"X","phases":[{"id":"a","name":"A","fadeSeconds":-1,"scene":{}}]}""", "phases[0].fadeSeconds")]
    [InlineData("""{"id":"x","name":"X","phases":[{"id":"a","name":"A","durationMinutes":0,"fadeSeconds":1,"scene":{}}]}""", "phases[0].durationMinutes")]
    [InlineData("""{"id":"x","name":"X","phases":[{"id":"a","name":"A","fadeSeconds":1,"scene":{"lighting":{"on":true,"brightness":140,"colorTempK":2700}}}]}""", "phases[0].scene.lighting.brightness")]
    [InlineData("""{"id":"x","name":"X","phases":[{"id":"a","name":"A","fadeSeconds":1,"scene":{},"reminders":[{"id":"r","title":"BP","priority":"urgent","atMinutes":1}]}]}""", "phases[0].reminders[0].priority")]
    [InlineData("""{"id":"x","name":"X","phases":[{"id":"a","name":"A","fadeSeconds":1,"scene":{},"reminders":[{"id":"r","title":"BP","priority":"high","atMinutes":40,"from":"dose"}]}]}""", "phases[0].reminders[0].from")]
    [InlineData("""{"id":"x","name":"X","phases":[{"id":"a","name":"A","fadeSeconds":1,"scene":{}},{"id":"a","name":"B","fadeSeconds":1,"scene":{}}]}""", "phases[1].id")]
    [InlineData("""not json""", "protocol")]
    public void A_bad_protocol_is_rejected_with_a_message_naming_the_field(string json, string field)
    {
        var (protocol, errors) = ProtocolFormat.Read(json);

        Assert.Null(protocol);
        Assert.Contains(errors, e => e.Field == field);
    }
}
