namespace SettingControl.Domain.Sessions;

/// <summary>
/// A session's reminders: set by the therapist or scheduled by the protocol's phases, falling due on the clock,
/// alerting again until acknowledged, and done. The room calls in with its active session; the reminders live in
/// <see cref="Session.Reminders"/>, so they are stored with it.
/// </summary>
public static class ReminderBook
{
    /// <summary>A reminder the therapist sets for this session, due in <paramref name="dueInMinutes"/>.</summary>
    public static RoomChange Add(Session session, string title, ReminderPriority priority, int dueInMinutes, string actor, DateTimeOffset now, int realertAfterMinutes)
    {
        title = title?.Trim() ?? string.Empty;
        if (title.Length is 0 or > 200)
        {
            return RoomChange.Refuse("title", "A reminder needs a title of 1–200 characters.");
        }

        if (dueInMinutes is < 0 or > 1440)
        {
            return RoomChange.Refuse("dueInMinutes", $"'dueInMinutes' must be between 0 and 1440; got {dueInMinutes}.");
        }

        if (realertAfterMinutes is < 1 or > 120)
        {
            return RoomChange.Refuse("realertAfterMinutes", $"'realertAfterMinutes' must be between 1 and 120; got {realertAfterMinutes}.");
        }

        var reminder = New(session, title, priority, now.AddMinutes(dueInMinutes), "therapist");
        reminder.RealertAfterMinutes = realertAfterMinutes;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.ReminderCreated, $"Reminder '{title}' due {reminder.DueAt:HH:mm}", actor, now)
        {
            ReminderId = reminder.Id,
            Priority = priority.ToString().ToLowerInvariant(),
        });
        FallDue(session, now, change);
        return change;
    }

    public static RoomChange Acknowledge(Session? session, string reminderId, string actor, DateTimeOffset now)
    {
        if (Find(session, reminderId) is not { } reminder)
        {
            return RoomChange.Refuse("reminderId", $"There is no reminder '{reminderId}' in this session.");
        }

        if (reminder.State != ReminderState.Due)
        {
            return RoomChange.Refuse("reminderId", $"Reminder '{reminder.Title}' is {reminder.State.ToString().ToLowerInvariant()}, not due.");
        }

        reminder.State = ReminderState.Acknowledged;
        reminder.AcknowledgedAt = now;
        reminder.AcknowledgedBy = actor;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.ReminderAcknowledged, $"Reminder '{reminder.Title}' acknowledged", actor, now) { ReminderId = reminder.Id });
        return change;
    }

    public static RoomChange Complete(Session? session, string reminderId, string actor, DateTimeOffset now)
    {
        if (Find(session, reminderId) is not { } reminder)
        {
            return RoomChange.Refuse("reminderId", $"There is no reminder '{reminderId}' in this session.");
        }

        if (reminder.State == ReminderState.Done)
        {
            return RoomChange.Refuse("reminderId", $"Reminder '{reminder.Title}' is already done.");
        }

        reminder.StateBeforeDone = reminder.State;
        reminder.State = ReminderState.Done;
        reminder.DoneAt = now;
        reminder.DoneBy = actor;
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.ReminderDone, $"Reminder '{reminder.Title}' done", actor, now) { ReminderId = reminder.Id });
        return change;
    }

    /// <summary>
    /// Completes a monitoring reminder with its reading: checked against what a monitor can show (a slip is refused with
    /// a plain reason), compared with the ranges staff set for the protocol, and written into the record with the
    /// parts outside them named. Being outside a range is information, never an alarm.
    /// </summary>
    public static RoomChange RecordReading(Session? session, string reminderId, VitalReading reading, string actor, DateTimeOffset now)
    {
        if (Find(session, reminderId) is not { } reminder)
        {
            return RoomChange.Refuse("reminderId", $"There is no reminder '{reminderId}' in this session.");
        }

        if (reminder.Reading is not { } kind)
        {
            return RoomChange.Refuse("reminderId", $"Reminder '{reminder.Title}' does not take a reading.");
        }

        if (reminder.State == ReminderState.Done)
        {
            return RoomChange.Refuse("reminderId", $"Reminder '{reminder.Title}' is already done.");
        }

        var errors = Readings.Validate(kind, reading);
        if (errors.Count > 0)
        {
            return RoomChange.Refuse(errors);
        }

        var ranges = session!.Protocol.ReferenceRanges;
        var outside = Readings.Outside(reading, ranges);
        reminder.StateBeforeDone = reminder.State;
        reminder.State = ReminderState.Done;
        reminder.DoneAt = now;
        reminder.DoneBy = actor;
        reminder.Value = reading;
        reminder.ValueOutside = outside;
        var summary = $"{reminder.Title}: {Readings.Describe(reading)}"
                      + (outside.Count > 0 ? $" (outside the range staff set: {Readings.DescribeOutside(reading, ranges!, outside)})" : string.Empty);
        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.ReadingRecorded, summary, actor, now)
        {
            ReminderId = reminder.Id,
            Reading = reading,
            OutsideRange = outside,
            Phase = session.Phase.Name,
        });
        return change;
    }

    /// <summary>
    /// Takes back an Acknowledge (the reminder is due again and alerts again) or a Done (it is what it was before:
    /// scheduled, due or acknowledged; due if its time came meanwhile). A tap that landed on the wrong row in a dim room
    /// costs one more tap, never a missed check. The record keeps both entries.
    /// </summary>
    public static RoomChange Undo(Session? session, string reminderId, string actor, DateTimeOffset now)
    {
        if (Find(session, reminderId) is not { } reminder)
        {
            return RoomChange.Refuse("reminderId", $"There is no reminder '{reminderId}' in this session.");
        }

        string what;
        switch (reminder.State)
        {
            case ReminderState.Acknowledged:
                reminder.State = ReminderState.Due;
                reminder.AcknowledgedAt = null;
                reminder.AcknowledgedBy = null;
                reminder.AlertedAt = now;
                what = "due again";
                break;
            case ReminderState.Done:
                var before = reminder.StateBeforeDone ?? ReminderState.Due;
                reminder.State = before == ReminderState.Scheduled && reminder.DueAt <= now ? ReminderState.Due : before;
                reminder.StateBeforeDone = null;
                reminder.DoneAt = null;
                reminder.DoneBy = null;
                reminder.Value = null;
                reminder.ValueOutside = null;
                if (reminder.State == ReminderState.Due)
                {
                    reminder.AlertedAt = now;
                }

                what = $"back to {reminder.State.ToString().ToLowerInvariant()}";
                break;
            default:
                return RoomChange.Refuse("reminderId", $"Reminder '{reminder.Title}' has nothing to undo.");
        }

        var change = new RoomChange { StateChanged = true };
        change.Events.Add(new RoomEvent(RoomEventTypes.ReminderUndone, $"Reminder '{reminder.Title}' {what} (undo)", actor, now) { ReminderId = reminder.Id });
        return change;
    }

    /// <summary>The reminders a protocol phase defines, scheduled from its start (or from the dose).</summary>
    public static void ScheduleFor(Session session, PhaseDefinition phase, DateTimeOffset phaseStart)
    {
        foreach (var definition in phase.Reminders ?? [])
        {
            var anchor = definition.From == ReminderAnchor.Dose && session.DoseAt is { } dose ? dose : phaseStart;
            var reminder = New(session, definition.Title, definition.Priority, anchor.AddMinutes(definition.AtMinutes), "protocol");
            reminder.EveryMinutes = definition.EveryMinutes;
            reminder.RepeatUntil = definition.UntilMinutes is { } until ? anchor.AddMinutes(until) : null;
            reminder.RealertAfterMinutes = definition.RealertAfterMinutes;
            reminder.Reading = definition.Reading;
        }
    }

    private static ReminderInstance New(Session session, string title, ReminderPriority priority, DateTimeOffset dueAt, string source)
    {
        var reminder = new ReminderInstance
        {
            Id = $"r{++session.ReminderSequence}",
            Title = title,
            Priority = priority,
            DueAt = dueAt,
            State = ReminderState.Scheduled,
            Source = source,
        };
        session.Reminders.Add(reminder);
        return reminder;
    }

    /// <summary>Reminders whose time has come fall due; due ones not acknowledged in time alert again.</summary>
    public static void FallDue(Session session, DateTimeOffset now, RoomChange change)
    {
        // Index loop: a repeating reminder that falls due adds its next occurrence to the list.
        for (var i = 0; i < session.Reminders.Count && i < 1000; i++)
        {
            var reminder = session.Reminders[i];
            if (reminder.State == ReminderState.Scheduled && reminder.DueAt <= now)
            {
                reminder.State = ReminderState.Due;
                reminder.AlertedAt = now;
                change.StateChanged = true;
                change.Events.Add(new RoomEvent(RoomEventTypes.ReminderDue, $"Due: {reminder.Title}", Actors.Program, reminder.DueAt)
                {
                    ReminderId = reminder.Id,
                    Priority = reminder.Priority.ToString().ToLowerInvariant(),
                    Phase = session.Phase.Name,
                });
                if (reminder.EveryMinutes is { } every)
                {
                    var next = reminder.DueAt.AddMinutes(every);
                    if (reminder.RepeatUntil is null || next <= reminder.RepeatUntil)
                    {
                        var repeat = New(session, reminder.Title, reminder.Priority, next, reminder.Source);
                        repeat.EveryMinutes = every;
                        repeat.RepeatUntil = reminder.RepeatUntil;
                        repeat.RealertAfterMinutes = reminder.RealertAfterMinutes;
                        repeat.Reading = reminder.Reading;
                    }
                }
            }
            else if (reminder.State == ReminderState.Due && reminder.AlertedAt is { } alerted &&
                     now - alerted >= TimeSpan.FromMinutes(reminder.RealertAfterMinutes))
            {
                reminder.RealertCount++;
                reminder.AlertedAt = now;
                change.StateChanged = true;
                change.Events.Add(new RoomEvent(RoomEventTypes.ReminderRealerted, $"Not acknowledged: {reminder.Title}", Actors.Program, now)
                {
                    ReminderId = reminder.Id,
                    Priority = reminder.Priority.ToString().ToLowerInvariant(),
                });
            }
        }
    }

    private static ReminderInstance? Find(Session? session, string reminderId) =>
        session?.Reminders.FirstOrDefault(r => r.Id == reminderId);

    /// <summary>Reminders that are due or acknowledged (not done), most urgent first.</summary>
    public static IEnumerable<ReminderInstance> Open(Session? session) =>
        (session?.Reminders ?? []).Where(r => r.IsOpen).OrderByDescending(r => r.Priority).ThenBy(r => r.DueAt);
}
