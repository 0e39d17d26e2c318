using System.Globalization;
using System.Text;
using CsvHelper;
using SettingControl.Contracts;
using SettingControl.Host.Api;

namespace SettingControl.Integration.Tests;

/// <summary>
/// The CSV export opened in a spreadsheet: a note that starts like a formula must show as text, and every
/// other cell, the header and the row layout stay exactly as the export has always written them.
/// </summary>
public sealed class SessionCsvTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 9, 0, 0, TimeSpan.Zero);

    private static readonly DesiredStateDto Dim = new(new LightingDto(true, 20, 2400), new MaskDto(true, 30));
    private static readonly DesiredStateDto Bright = new(new LightingDto(true, 100, 4000), new MaskDto(false, 0));

    private static SessionEventDto Event(long sequence, string type, string summary, string? note = null) => new(
        sequence, Start.AddMinutes(sequence * 1.5), type, "user:ana", summary, "Settle", Dim, Bright, 2000, note, null, null,
        [new DeviceActualDto("room-1-light-1", "online", new ActualStateDto(true, 20, 2400, null, null, null)), new DeviceActualDto("room-1-mask", "offline", null)]);

    private static SessionRecordDto Record(params SessionEventDto[] events) =>
        new("room-1-20260304-090000-1a2b", "room-1", "quick", "Quick", "test", Start, null, [], events);

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")")]
    [InlineData("+1+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A2)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    public void A_note_that_starts_like_a_formula_is_exported_as_text(string note)
    {
        var csv = SessionCsv.Write(Record(Event(1, "note", "Note added", note)));

        var cells = ReadNotes(csv);
        Assert.Equal(["'" + note], cells);
    }

    [Fact]
    public void A_record_without_formulas_is_exported_exactly_as_before()
    {
        var record = Record(
            Event(1, "session-started", "Session started"),
            Event(2, "note", "Note added", "Calm, \"smiling\", no distress"),
            Event(3, "note", "Note added", "two\nlines"),
            Event(4, "lighting-changed", "Lights 100 %") with { Before = null, TransitionMs = null, Phase = null, Actual = [] });

        Assert.Equal(PreviousSessionCsv.Write(record), SessionCsv.Write(record));
    }

    [Fact]
    public void Numbers_stay_numbers_even_when_negative()
    {
        // An event recorded a little before the session's start time (a clock step) has a negative elapsed time.
        var early = Event(1, "note", "Note added", "fine") with { At = Start.AddMinutes(-0.5) };
        var row = SessionCsv.Write(Record(early)).Split('\n')[1];
        Assert.StartsWith("1,2026-03-04T08:59:30+00:00,-0.50,note,", row);
    }

    private static List<string> ReadNotes(string csv)
    {
        var notes = new List<string>();
        using var reader = CsvReader.Create(new StringReader(csv), null, leaveOpen: false);
        while (reader.Read())
        {
            notes.Add(reader.GetString("note"));
        }

        return notes;
    }

    /// <summary>The hand-written export this replaced, kept to show that only formula cells changed.</summary>
    private static class PreviousSessionCsv
    {
        public static string Write(SessionRecordDto record)
        {
            var csv = new StringBuilder();
            csv.Append("sequence,at,elapsed_min,type,actor,phase,summary,note,reminder_id,priority,transition_ms," +
                       "before_lights_on,before_brightness,before_color_temp_k,before_mask_on,before_mask_light," +
                       "after_lights_on,after_brightness,after_color_temp_k,after_mask_on,after_mask_light,actual," +
                       "systolic_mmhg,diastolic_mmhg,pulse_per_min,spo2_percent,outside_range\n");
            foreach (var e in record.Events)
            {
                var actual = string.Join("; ", (e.Actual ?? []).Select(a =>
                    $"{a.DeviceId}={a.Availability}" + (a.Actual is { } s ? $" on={s.On} brightness={s.Brightness} colorTempK={s.ColorTempK} light={s.Light}" : string.Empty)));
                string[] fields =
                [
                    e.Sequence.ToString(CultureInfo.InvariantCulture),
                    e.At.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                    (e.At - record.StartedAt).TotalMinutes.ToString("0.00", CultureInfo.InvariantCulture),
                    e.Type, e.Actor, e.Phase ?? string.Empty, e.Summary, e.Note ?? string.Empty, e.ReminderId ?? string.Empty, e.Priority ?? string.Empty,
                    e.TransitionMs?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                    .. State(e.Before), .. State(e.After), actual,
                    string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, // the reading columns, added later, empty here
                ];
                csv.Append(string.Join(",", fields.Select(Quote))).Append('\n');
            }

            return csv.ToString();
        }

        private static string[] State(DesiredStateDto? s) => s is null
            ? ["", "", "", "", ""]
            : [s.Lighting.On ? "true" : "false", s.Lighting.Brightness.ToString(CultureInfo.InvariantCulture), s.Lighting.ColorTempK.ToString(CultureInfo.InvariantCulture),
               s.Mask.On ? "true" : "false", s.Mask.Light.ToString(CultureInfo.InvariantCulture)];

        private static string Quote(string value) =>
            value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
