using System.Globalization;
using System.Text;
using CsvHelper;
using SettingControl.Contracts;
using SettingControl.Host.Security;
using SettingControl.Host.Services;
using static SettingControl.Host.Api.ApiResults;

namespace SettingControl.Host.Api;

/// <summary>Protocols, sessions, Lights up, notes, reminders and the session record over REST (docs/api.md); music is in <see cref="MusicApi"/>.</summary>
public static class SessionApi
{
    public sealed record ExtendBody(int? Minutes);

    public sealed record JumpBody(string? Phase);

    public sealed record NoteBody(string? Text);

    public static void MapSessionApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").ForKnownRooms();
        var control = api.MapGroup("").ControlsRoom();
        var staff = api.MapGroup("").ForStaff();

        api.MapGet("/protocols", async (IGrainFactory grains) =>
            Results.Ok(await grains.GetGrain<IProtocolRegistryGrain>(IProtocolRegistryGrain.Key).List()));
        api.MapGet("/protocols/{protocolId}", async (string protocolId, IGrainFactory grains) =>
            await grains.GetGrain<IProtocolRegistryGrain>(IProtocolRegistryGrain.Key).GetJson(protocolId) is { } json
                ? Results.Text(json, "application/json")
                : Results.Problem(statusCode: 404, title: "Protocol not found", detail: $"There is no protocol '{protocolId}'."));
        staff.MapPut("/protocols/{protocolId}", async (string protocolId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var json = await reader.ReadToEndAsync(http.RequestAborted);
            var registry = grains.GetGrain<IProtocolRegistryGrain>(IProtocolRegistryGrain.Key);
            var errors = await registry.Save(json);
            if (errors.Count == 0 && await registry.GetJson(protocolId) is null)
            {
                errors = [new FieldError("id", $"The body's 'id' must be '{protocolId}', the id in the URL.")];
            }

            if (errors.Count > 0)
            {
                counters.Invalid();
                return Results.ValidationProblem(
                    errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                    title: "The protocol was refused.");
            }

            return Results.Ok(await registry.List());
        });
        staff.MapDelete("/protocols/{protocolId}", async (string protocolId, IGrainFactory grains, ApiCounters counters) =>
        {
            var errors = await grains.GetGrain<IProtocolRegistryGrain>(IProtocolRegistryGrain.Key).Delete(protocolId);
            if (errors.Count > 0)
            {
                counters.Invalid();
                return Results.Problem(statusCode: 400, title: "The protocol was not deleted.", detail: errors[0].Message);
            }

            return Results.NoContent();
        });

        control.MapPost("/rooms/{roomId}/session", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters, SessionRecords records) =>
        {
            var (body, problem) = await ReadBody<StartSessionRequest>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => StartSession(room, roomId, body!, ActorOf(http), records),
                snapshot => Results.Created($"/api/sessions/{snapshot.Session!.SessionId}", new { sessionId = snapshot.Session.SessionId, room = snapshot }));
        });
        MapAction(control, "/rooms/{roomId}/session/t0", SessionAction.MarkDose);
        MapAction(control, "/rooms/{roomId}/session/hold", SessionAction.Hold);
        MapAction(control, "/rooms/{roomId}/session/resume", SessionAction.Resume);
        MapAction(control, "/rooms/{roomId}/session/end", SessionAction.End);
        MapAction(control, "/rooms/{roomId}/lights-up", SessionAction.LightsUp);
        MapAction(control, "/rooms/{roomId}/lights-up/resume", SessionAction.LightsUpResume);
        control.MapPost("/rooms/{roomId}/session/extend", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<ExtendBody>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.ExtendPhase(body!.Minutes ?? 0, ActorOf(http)));
        });
        control.MapPost("/rooms/{roomId}/session/jump", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<JumpBody>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.JumpToPhase(body!.Phase ?? string.Empty, ActorOf(http)));
        });
        control.MapDelete("/rooms/{roomId}/overrides/{attribute}", (string roomId, string attribute, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            RunRoomCommand(roomId, grains, counters, room => room.ReleaseOverride(attribute, ActorOf(http))));
        control.MapPost("/rooms/{roomId}/notes", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<NoteBody>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.AddNote(body!.Text ?? string.Empty, ActorOf(http)));
        });
        control.MapPost("/rooms/{roomId}/reminders", async (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<AddReminderRequest>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.AddReminder(body!, ActorOf(http)));
        });
        control.MapPost("/rooms/{roomId}/reminders/{reminderId}/acknowledge", (string roomId, string reminderId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            RunRoomCommand(roomId, grains, counters, room => room.AcknowledgeReminder(reminderId, ActorOf(http))));
        control.MapPost("/rooms/{roomId}/reminders/{reminderId}/complete", (string roomId, string reminderId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            RunRoomCommand(roomId, grains, counters, room => room.CompleteReminder(reminderId, ActorOf(http))));
        control.MapPost("/rooms/{roomId}/reminders/{reminderId}/reading", async (string roomId, string reminderId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
        {
            var (body, problem) = await ReadBody<ReadingDto>(http, counters);
            return problem ?? await RunRoomCommand(roomId, grains, counters, room => room.RecordReading(reminderId, body!, ActorOf(http)));
        });
        control.MapPost("/rooms/{roomId}/reminders/{reminderId}/undo", (string roomId, string reminderId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            RunRoomCommand(roomId, grains, counters, room => room.UndoReminder(reminderId, ActorOf(http))));

        api.MapGet("/sessions/{sessionId}", async (string sessionId, HttpContext http, SessionRecords records) =>
            await ReadableRecord(http, sessionId, records) is { } record ? Results.Ok(record) : SessionNotFound(http, sessionId));
        api.MapGet("/sessions/{sessionId}/export", async (string sessionId, string? format, HttpContext http, SessionRecords records, ExportTimes times) =>
        {
            if (await ReadableRecord(http, sessionId, records) is not { } stored)
            {
                return SessionNotFound(http, sessionId);
            }

            var record = times.Localise(stored);

            return (format ?? "json").ToLowerInvariant() switch
            {
                "json" => Results.Json(record, contentType: "application/json", statusCode: 200) is var json
                    ? new AttachmentResult(json, $"{sessionId}.json")
                    : json,
                "csv" => Results.File(Encoding.UTF8.GetBytes(SessionCsv.Write(record)), "text/csv; charset=utf-8", $"{sessionId}.csv"),
                _ => Results.Problem(statusCode: 400, title: "Unknown export format", detail: $"'format' must be csv or json; got '{format}'."),
            };
        });
    }

    private static void MapAction(RouteGroupBuilder api, string route, SessionAction action) =>
        api.MapPost(route, (string roomId, HttpContext http, IGrainFactory grains, ApiCounters counters) =>
            RunRoomCommand(roomId, grains, counters, room => room.SessionCommand(action, ActorOf(http))));

    /// <summary>Starts a session and lists it at once, so its record can be read (<see cref="SessionRecords"/>).</summary>
    public static async Task<CommandResult> StartSession(IRoomGrain room, string roomId, StartSessionRequest request, Actor actor, SessionRecords records)
    {
        var result = await room.StartSession(request, actor);
        if (result is { Outcome: CommandOutcome.Accepted, Snapshot.Session: { } session })
        {
            await records.RegisterAsync(session.SessionId, roomId);
        }

        return result;
    }

    /// <summary>
    /// The record if it exists and the caller may read its room. Another room's record is a 404, like one that
    /// does not exist, so a caller limited to some rooms cannot learn which sessions the others had.
    /// </summary>
    private static async Task<SessionRecordDto?> ReadableRecord(HttpContext http, string sessionId, SessionRecords records) =>
        await http.RequestServices.GetRequiredService<AccountService>().CurrentAsync(http.User) is { } access
            ? await records.ReadAsync(sessionId, access)
            : null;

    private static IResult SessionNotFound(HttpContext http, string sessionId)
    {
        http.RequestServices.GetRequiredService<ApiCounters>().NotFound();
        http.RequestServices.GetRequiredService<RefusalLog>().NotFound("session", sessionId);
        return Results.Problem(statusCode: 404, title: "Session not found", detail: $"There is no session '{sessionId}'.");
    }

    /// <summary>Adds a download file name to a JSON result.</summary>
    private sealed class AttachmentResult(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>
/// The session record as CSV: one row per event, desired state before/after and what the devices showed.
/// Written with CsvHelper, which quotes fields as RFC 4180 says and escapes text that a spreadsheet would
/// run as a formula (a note starting with =, +, -, @, tab or CR gets a leading ', so it shows as text).
/// Numbers and times are written as numbers, so a negative one is not taken for a formula.
/// </summary>
public static class SessionCsv
{
    private static readonly string[] Header =
    [
        "sequence", "at", "elapsed_min", "type", "actor", "phase", "summary", "note", "reminder_id", "priority", "transition_ms",
        "before_lights_on", "before_brightness", "before_color_temp_k", "before_mask_on", "before_mask_light",
        "after_lights_on", "after_brightness", "after_color_temp_k", "after_mask_on", "after_mask_light", "actual",
        "systolic_mmhg", "diastolic_mmhg", "pulse_per_min", "spo2_percent", "outside_range",
    ];

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        FormatProvider = CultureInfo.InvariantCulture,

        // As the export has always been written (one LF per line); fields with line breaks are quoted either way.
        NewLine = "\n",
        WriteByteOrderMark = false,
    };

    public static string Write(SessionRecordDto record)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, Options, leaveOpen: true))
        {
            csv.WriteHeader(Header);
            foreach (var e in record.Events)
            {
                csv.WriteField(e.Sequence, default);
                csv.WriteField(e.At, "yyyy-MM-dd'T'HH:mm:sszzz");
                csv.WriteField((e.At - record.StartedAt).TotalMinutes, "0.00");
                csv.WriteField(e.Type);
                csv.WriteField(e.Actor);
                csv.WriteField(e.Phase ?? string.Empty);
                csv.WriteField(e.Summary);
                csv.WriteField(e.Note ?? string.Empty);
                csv.WriteField(e.ReminderId ?? string.Empty);
                csv.WriteField(e.Priority ?? string.Empty);
                csv.WriteField(e.TransitionMs, default);
                WriteState(csv, e.Before);
                WriteState(csv, e.After);
                csv.WriteField(string.Join("; ", (e.Actual ?? []).Select(a =>
                    $"{a.DeviceId}={a.Availability}" + (a.Actual is { } s ? $" on={s.On} brightness={s.Brightness} colorTempK={s.ColorTempK} light={s.Light}" : string.Empty))));
                csv.WriteField(e.Reading?.Systolic, default);
                csv.WriteField(e.Reading?.Diastolic, default);
                csv.WriteField(e.Reading?.Pulse, default);
                csv.WriteField(e.Reading?.Spo2, default);
                csv.WriteField(string.Join(" ", e.Reading?.OutsideRange ?? []));
                csv.EndRecord();
            }
        }

        return text.ToString();
    }

    private static void WriteState(CsvWriter csv, DesiredStateDto? s)
    {
        if (s is null)
        {
            for (var i = 0; i < 5; i++)
            {
                csv.WriteField(string.Empty);
            }

            return;
        }

        csv.WriteField(s.Lighting.On ? "true" : "false");
        csv.WriteField(s.Lighting.Brightness, default);
        csv.WriteField(s.Lighting.ColorTempK, default);
        csv.WriteField(s.Mask.On ? "true" : "false");
        csv.WriteField(s.Mask.Light, default);
    }
}
