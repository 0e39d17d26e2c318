namespace SettingControl.Domain.Sessions;

/// <summary>Checks a protocol before it is stored. Every error names the field, e.g. <c>phases[2].fadeSeconds</c>.</summary>
public static class ProtocolValidation
{
    public const int MaxPhaseMinutes = 24 * 60;

    /// <summary>Six seconds: short enough for demos and tests of a whole protocol; real phases are minutes long.</summary>
    public const double MinPhaseMinutes = 0.1;
    public const int MaxFadeSeconds = 3600;

    public static IReadOnlyList<ValidationError> Validate(Protocol? protocol)
    {
        var errors = new List<ValidationError>();
        if (protocol is null)
        {
            errors.Add(new("protocol", "A protocol is required."));
            return errors;
        }

        if (!Identifiers.IsValid(protocol.Id))
        {
            errors.Add(new("id", "'id' must be 1–64 characters of a-z, 0-9, '-' and '_'."));
        }

        if (string.IsNullOrWhiteSpace(protocol.Name))
        {
            errors.Add(new("name", "'name' is required."));
        }

        if (protocol.Phases is null || protocol.Phases.Count == 0)
        {
            errors.Add(new("phases", "A protocol needs at least one phase."));
            return errors;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var doseSeen = false;
        for (var i = 0; i < protocol.Phases.Count; i++)
        {
            var phase = protocol.Phases[i];
            var at = $"phases[{i}]";
            if (phase is null)
            {
                errors.Add(new(at, $"'{at}' is empty."));
                continue;
            }

            if (!Identifiers.IsValid(phase.Id))
            {
                errors.Add(new($"{at}.id", $"'{at}.id' must be 1–64 characters of a-z, 0-9, '-' and '_'."));
            }
            else if (!ids.Add(phase.Id))
            {
                errors.Add(new($"{at}.id", $"'{at}.id' repeats the phase id '{phase.Id}'."));
            }

            if (string.IsNullOrWhiteSpace(phase.Name))
            {
                errors.Add(new($"{at}.name", $"'{at}.name' is required."));
            }

            if (phase.DurationMinutes is { } minutes && (double.IsNaN(minutes) || minutes < MinPhaseMinutes || minutes > MaxPhaseMinutes))
            {
                errors.Add(new($"{at}.durationMinutes", $"'{at}.durationMinutes' must be between {MinPhaseMinutes} and {MaxPhaseMinutes}, or null for 'until the therapist advances'; got {minutes}."));
            }

            if (phase.FadeSeconds < 0 || phase.FadeSeconds > MaxFadeSeconds)
            {
                errors.Add(new($"{at}.fadeSeconds", $"'{at}.fadeSeconds' must be between 0 and {MaxFadeSeconds}; got {phase.FadeSeconds}."));
            }

            if (phase.StartsAtDose)
            {
                if (doseSeen)
                {
                    errors.Add(new($"{at}.startsAtDose", "Only one phase can start at T0."));
                }

                doseSeen = true;
            }

            ValidateScene(errors, $"{at}.scene", phase.Scene);
            var reminders = phase.Reminders ?? [];
            var reminderIds = new HashSet<string>(StringComparer.Ordinal);
            for (var r = 0; r < reminders.Count; r++)
            {
                ValidateReminder(errors, $"{at}.reminders[{r}]", reminders[r], reminderIds, doseSeen);
            }
        }

        ValidateRanges(errors, protocol.ReferenceRanges);
        return errors;
    }

    /// <summary>Staff's reference ranges: each end within what a monitor can show, the low end not above the high.</summary>
    private static void ValidateRanges(List<ValidationError> errors, ReferenceRanges? ranges)
    {
        if (ranges is null)
        {
            return;
        }

        foreach (var (field, range, plausible) in new[]
                 {
                     ("systolic", ranges.Systolic, Readings.PlausibleSystolic), ("diastolic", ranges.Diastolic, Readings.PlausibleDiastolic),
                     ("pulse", ranges.Pulse, Readings.PlausiblePulse), ("spo2", ranges.Spo2, Readings.PlausibleSpo2),
                 })
        {
            var at = $"referenceRanges.{field}";
            if (range is null)
            {
                continue;
            }

            if (range.Min is { } min && !plausible.Holds(min) || range.Max is { } max && !plausible.Holds(max))
            {
                errors.Add(new(at, $"'{at}' must lie within {plausible.Min}–{plausible.Max}."));
            }
            else if (range is { Min: { } low, Max: { } high } && low > high)
            {
                errors.Add(new(at, $"'{at}.min' is above its 'max'."));
            }
        }
    }

    private static void ValidateScene(List<ValidationError> errors, string at, Scene? scene)
    {
        if (scene is null)
        {
            errors.Add(new(at, $"'{at}' is required (use {{}} for a phase that changes nothing)."));
            return;
        }

        if (scene.Lighting is { } lighting)
        {
            if (lighting.Brightness is < Ranges.MinBrightness or > Ranges.MaxBrightness)
            {
                errors.Add(new($"{at}.lighting.brightness", $"'{at}.lighting.brightness' must be between 0 and 100; got {lighting.Brightness}."));
            }

            if (lighting.ColorTempK is < Ranges.MinColorTempK or > Ranges.MaxColorTempK)
            {
                errors.Add(new($"{at}.lighting.colorTempK", $"'{at}.lighting.colorTempK' must be between {Ranges.MinColorTempK} and {Ranges.MaxColorTempK}; got {lighting.ColorTempK}."));
            }
        }

        if (scene.Music is { } music)
        {
            if (music.Volume is < 0 or > 100)
            {
                errors.Add(new($"{at}.music.volume", $"'{at}.music.volume' must be between 0 and 100; got {music.Volume}."));
            }

            if (music.PlaylistId is { } playlist && !Identifiers.IsValid(playlist))
            {
                errors.Add(new($"{at}.music.playlistId", $"'{at}.music.playlistId' must be a playlist id (a-z, 0-9, '-', '_')."));
            }
        }

        if (scene.Mask is { } mask && mask.Light is < Ranges.MinMaskLight or > Ranges.MaxMaskLight)
        {
            errors.Add(new($"{at}.mask.light", $"'{at}.mask.light' must be between 0 and 100; got {mask.Light}."));
        }
    }

    private static void ValidateReminder(List<ValidationError> errors, string at, ReminderDefinition? reminder, HashSet<string> ids, bool afterDose)
    {
        if (reminder is null)
        {
            errors.Add(new(at, $"'{at}' is empty."));
            return;
        }

        if (!Identifiers.IsValid(reminder.Id))
        {
            errors.Add(new($"{at}.id", $"'{at}.id' must be 1–64 characters of a-z, 0-9, '-' and '_'."));
        }
        else if (!ids.Add(reminder.Id))
        {
            errors.Add(new($"{at}.id", $"'{at}.id' repeats '{reminder.Id}'."));
        }

        if (string.IsNullOrWhiteSpace(reminder.Title))
        {
            errors.Add(new($"{at}.title", $"'{at}.title' is required."));
        }

        if (reminder.AtMinutes < 0 || reminder.AtMinutes > MaxPhaseMinutes)
        {
            errors.Add(new($"{at}.atMinutes", $"'{at}.atMinutes' must be between 0 and {MaxPhaseMinutes}; got {reminder.AtMinutes}."));
        }

        if (reminder.EveryMinutes is { } every && (every < MinPhaseMinutes || every > MaxPhaseMinutes))
        {
            errors.Add(new($"{at}.everyMinutes", $"'{at}.everyMinutes' must be between {MinPhaseMinutes} and {MaxPhaseMinutes}; got {every}."));
        }

        if (reminder.UntilMinutes is { } until && until < reminder.AtMinutes)
        {
            errors.Add(new($"{at}.untilMinutes", $"'{at}.untilMinutes' must not be before 'atMinutes'."));
        }

        if (reminder.RealertAfterMinutes < 1 || reminder.RealertAfterMinutes > 120)
        {
            errors.Add(new($"{at}.realertAfterMinutes", $"'{at}.realertAfterMinutes' must be between 1 and 120; got {reminder.RealertAfterMinutes}."));
        }

        if (reminder.From == ReminderAnchor.Dose && !afterDose)
        {
            errors.Add(new($"{at}.from", $"'{at}' counts from T0 but its phase comes before the phase that starts at T0."));
        }
    }
}
