using SettingControl.Domain.Program;
using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

/// <summary>The parts the room is made of, each on its own: the phase clock, the reminder book and scene application.</summary>
public sealed class SessionPartsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static Session NewSession(double? phaseMinutes = 30)
    {
        var scene = new Scene(new LightingSetting(true, 30, 2700), new MaskSetting(false, 0));
        var protocol = new Protocol("p", "Test protocol", null, [new PhaseDefinition("settle", "Settling", phaseMinutes, 10, scene)]);
        return new Session("s1", protocol, "test", Start);
    }

    [Fact]
    public void Time_held_does_not_count_against_the_phase()
    {
        var session = NewSession();
        PhaseClock.Hold(session, "therapist:dana", Start.AddMinutes(10));
        PhaseClock.ResumeByHand(session, "therapist:dana", Start.AddMinutes(25));

        Assert.False(session.IsHeld);
        Assert.Equal(15 * 60_000L, session.HeldInPhaseMs);
        Assert.Equal(TimeSpan.FromMinutes(15), session.PhaseRemaining(Start.AddMinutes(30)));
    }

    [Fact]
    public void Holding_twice_or_resuming_a_running_clock_is_refused_and_changes_nothing()
    {
        var session = NewSession();
        Assert.True(PhaseClock.ResumeByHand(session, "therapist:dana", Start).Refused);
        PhaseClock.Hold(session, "therapist:dana", Start.AddMinutes(1));

        var again = PhaseClock.Hold(session, "therapist:dana", Start.AddMinutes(2));

        Assert.True(again.Refused);
        Assert.Equal(Start.AddMinutes(1), session.HeldSince);
    }

    [Fact]
    public void A_phase_without_a_set_length_cannot_be_extended()
    {
        var open = NewSession(phaseMinutes: null);
        var timed = NewSession();

        Assert.True(PhaseClock.Extend(open, 5, "therapist:dana", Start).Refused);
        var extended = PhaseClock.Extend(timed, 5, "therapist:dana", Start);

        Assert.Equal(RoomEventTypes.PhaseExtended, Assert.Single(extended.Events).Type);
        Assert.Equal(TimeSpan.FromMinutes(35), timed.PhaseRemaining(Start));
    }

    [Fact]
    public void Ending_a_held_session_counts_the_hold_and_closes_the_phase_visit()
    {
        var session = NewSession();
        session.Visits.Add(new PhaseVisit("settle", Start, null));
        PhaseClock.Hold(session, "therapist:dana", Start.AddMinutes(5));

        var ended = PhaseClock.End(session, "therapist:dana", Start.AddMinutes(8));

        Assert.Equal(RoomEventTypes.SessionEnded, Assert.Single(ended.Events).Type);
        Assert.False(session.IsActive);
        Assert.Equal(3 * 60_000L, session.HeldInPhaseMs);
        Assert.Equal(Start.AddMinutes(8), session.Visits[^1].EndedAt);
    }

    [Fact]
    public void A_reminder_falls_due_then_alerts_again_until_acknowledged()
    {
        var session = NewSession();
        var created = ReminderBook.Add(session, "Check blood pressure", ReminderPriority.High, 10, "therapist:dana", Start, realertAfterMinutes: 5);
        var id = created.Events.Single().ReminderId!;

        var due = new RoomChange();
        ReminderBook.FallDue(session, Start.AddMinutes(10), due);
        var realerted = new RoomChange();
        ReminderBook.FallDue(session, Start.AddMinutes(15), realerted);
        var acknowledged = ReminderBook.Acknowledge(session, id, "therapist:dana", Start.AddMinutes(16));
        var quiet = new RoomChange();
        ReminderBook.FallDue(session, Start.AddMinutes(30), quiet);

        Assert.Equal([RoomEventTypes.ReminderDue], due.Events.Select(e => e.Type));
        Assert.Equal([RoomEventTypes.ReminderRealerted], realerted.Events.Select(e => e.Type));
        Assert.Equal([RoomEventTypes.ReminderAcknowledged], acknowledged.Events.Select(e => e.Type));
        Assert.Empty(quiet.Events);
        Assert.Equal(ReminderState.Acknowledged, Assert.Single(ReminderBook.Open(session)).State);
    }

    [Fact]
    public void A_reminder_that_is_not_there_or_already_done_is_refused()
    {
        var session = NewSession();
        var id = ReminderBook.Add(session, "Offer water", ReminderPriority.Low, 0, "therapist:dana", Start, 5).Events[0].ReminderId!;
        ReminderBook.Complete(session, id, "therapist:dana", Start.AddMinutes(1));

        Assert.True(ReminderBook.Complete(session, id, "therapist:dana", Start.AddMinutes(2)).Refused);
        Assert.True(ReminderBook.Acknowledge(session, "r999", "therapist:dana", Start).Refused);
        Assert.True(ReminderBook.Acknowledge(null, id, "therapist:dana", Start).Refused);
        Assert.Empty(ReminderBook.Open(session));
    }

    [Fact]
    public void A_repeating_protocol_reminder_schedules_its_next_occurrence_when_it_falls_due()
    {
        var session = NewSession();
        var phase = session.Protocol.Phases[0] with
        {
            Reminders = [new ReminderDefinition("vitals", "Vitals", ReminderPriority.High, AtMinutes: 5, EveryMinutes: 10, UntilMinutes: 25)],
        };
        ReminderBook.ScheduleFor(session, phase, Start);

        for (var minute = 0; minute <= 30; minute++)
        {
            ReminderBook.FallDue(session, Start.AddMinutes(minute), new RoomChange());
        }

        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(15), Start.AddMinutes(25)], session.Reminders.Select(r => r.DueAt));
    }

    [Fact]
    public void A_scene_leaves_what_the_therapist_took_over_and_keeps_within_the_brightness_limit()
    {
        var lights = new LightProgram();
        var scene = new Scene(new LightingSetting(true, 80, 3000), new MaskSetting(true, 20), new MusicSetting("calm", true, 40));
        var change = new RoomChange();

        var music = SceneApplication.Apply(scene, lights, MusicSetting.Default, maxBrightness: 50, [ProgramAttribute.ColorTempK, ProgramAttribute.MusicVolume],
            Start, Start, 10_000, ActualLevels.Unknown, change);

        Assert.Equal(50, lights.Brightness.To);
        Assert.Equal(10_000, lights.Brightness.DurationMs);
        Assert.Equal(LightingSetting.Default.ColorTempK, lights.ColorTempK.To);
        Assert.True(lights.MaskOn);
        Assert.Equal(new MusicSetting("calm", true, MusicSetting.Default.Volume), music);
        Assert.True(change.LightsChanged && change.MaskChanged && change.MusicChanged && change.StateChanged);
    }

    [Fact]
    public void A_scene_caught_up_after_downtime_fades_from_the_moment_it_began()
    {
        var lights = new LightProgram();
        var scene = new Scene(new LightingSetting(true, 80, 2700), null);

        SceneApplication.Apply(scene, lights, MusicSetting.Default, 100, [], Start, Start.AddMinutes(10), 60_000, ActualLevels.Unknown, new RoomChange());

        Assert.Equal(Start, lights.Brightness.Start);
        Assert.Equal(80, lights.Brightness.ValueAt(Start.AddMinutes(10)));
    }
}
