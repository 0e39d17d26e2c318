using SettingControl.Domain;
using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

/// <summary>Monitoring reminders completed with their reading, checked, compared with staff's ranges and recorded.</summary>
public sealed class ReadingTests
{
    private const string Therapist = "user:therapist";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(120, 80, null, null, null)]
    [InlineData(null, null, null, null, "systolic")]
    [InlineData(120, null, null, null, "diastolic")]
    [InlineData(80, 120, null, null, "diastolic")]
    [InlineData(1200, 80, null, null, "systolic")]
    [InlineData(120, 80, 400, null, "pulse")]
    [InlineData(120, 80, 72, 101, "spo2")]
    public void A_blood_pressure_reading_is_checked_against_what_a_monitor_can_show(int? systolic, int? diastolic, int? pulse, int? spo2, string? field)
    {
        var errors = Readings.Validate(ReadingKind.BloodPressure, new VitalReading(systolic, diastolic, pulse, spo2));
        if (field is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal(field, errors.First().Field);
        }
    }

    [Fact]
    public void Vitals_need_every_part()
    {
        var errors = Readings.Validate(ReadingKind.Vitals, new VitalReading(120, 80, null, null));
        Assert.Equal(["pulse", "spo2"], errors.Select(e => e.Field));
    }

    [Fact]
    public void A_reading_is_recorded_with_the_parts_outside_staffs_ranges_and_undo_takes_it_back()
    {
        var room = new TreatmentRoom();
        room.StartSession(TestProtocols.Load("esketamine-nasal"), "s", "s1", Therapist, Now, ActualLevels.Unknown);
        var bp = room.Session!.Reminders.Single(r => r.State == ReminderState.Due);
        Assert.Equal(ReadingKind.BloodPressure, bp.Reading);

        Assert.True(room.RecordReading(bp.Id, new VitalReading(150, 85, 72, null), Therapist, Now).Refused is false);
        Assert.Equal(ReminderState.Done, bp.State);
        Assert.Equal(["systolic"], bp.ValueOutside);
        var recorded = room.Session.Reminders.Single(r => r.Id == bp.Id);
        Assert.Equal(150, recorded.Value!.Systolic);

        Assert.True(room.RecordReading(bp.Id, new VitalReading(120, 80, null, null), Therapist, Now).Refused, "already done");
        room.UndoReminder(bp.Id, Therapist, Now);
        Assert.Equal(ReminderState.Due, bp.State);
        Assert.Null(bp.Value);
        var again = room.RecordReading(bp.Id, new VitalReading(118, 76, null, null), Therapist, Now);
        var entry = Assert.Single(again.Events, e => e.Type == RoomEventTypes.ReadingRecorded);
        Assert.Equal("Blood pressure before dosing: 118/76 mmHg", entry.Summary);
        Assert.Empty(entry.OutsideRange!);
    }

    [Fact]
    public void The_record_says_which_range_a_reading_was_outside_and_a_reminder_without_a_reading_refuses_one()
    {
        var room = new TreatmentRoom();
        room.StartSession(TestProtocols.Load("esketamine-nasal"), "s", "s2", Therapist, Now, ActualLevels.Unknown);
        var bp = room.Session!.Reminders.Single(r => r.State == ReminderState.Due);
        var change = room.RecordReading(bp.Id, new VitalReading(88, 60, 120, 91), Therapist, Now);
        Assert.Equal("Blood pressure before dosing: 88/60 mmHg, pulse 120/min, SpO₂ 91% (outside the range staff set: systolic below 90–140; pulse above 50–110; SpO₂ below 94)",
            change.Events.Single().Summary);

        room.AddReminder("Water", ReminderPriority.Low, 0, Therapist, Now);
        var water = room.Session.Reminders.Single(r => r.Title == "Water");
        Assert.Equal("reminderId", Assert.Single(room.RecordReading(water.Id, new VitalReading(120, 80, null, null), Therapist, Now).Errors).Field);
    }

    [Fact]
    public void Staffs_ranges_are_checked_when_the_protocol_is_saved()
    {
        var json = """
            { "id": "p", "name": "P", "referenceRanges": { "systolic": { "min": 160, "max": 90 }, "spo2": { "min": 20 } },
              "phases": [ { "id": "a", "name": "A", "durationMinutes": null, "fadeSeconds": 0, "scene": {} } ] }
            """;
        var (protocol, errors) = ProtocolFormat.Read(json);
        Assert.Null(protocol);
        Assert.Equal(["referenceRanges.systolic", "referenceRanges.spo2"], errors.Select(e => e.Field));
    }
}
