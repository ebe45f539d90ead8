using System.Globalization;

namespace Grassroots.Web.Features.Calendar;

/// <summary>One stretch of working time in a working day, in Asia/Shanghai clock time; the end is exclusive.</summary>
public readonly record struct WorkingPeriod(TimeOnly Start, TimeOnly End)
{
    public TimeSpan Length => End - Start;

    public override string ToString() => $"{Start.ToString("HH:mm", CultureInfo.InvariantCulture)}-{End.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The working periods of a working day: the same on every working day. The city's default is 08:30–12:00
/// and 13:30–17:30; a handling unit may later keep its own and pass it to <see cref="WorkingCalendar.WithSchedule"/>.
/// </summary>
public sealed class WorkingSchedule
{
    public static readonly WorkingSchedule Default = new([new(new(8, 30), new(12, 0)), new(new(13, 30), new(17, 30))]);

    public WorkingSchedule(IEnumerable<WorkingPeriod> periods)
    {
        var list = periods.ToList();
        if (Check(list) is { } error)
        {
            throw new ArgumentException(error, nameof(periods));
        }

        Periods = list;
    }

    /// <summary>In order, none empty, none overlapping or touching.</summary>
    public IReadOnlyList<WorkingPeriod> Periods { get; }

    public TimeSpan PerDay => TimeSpan.FromTicks(Periods.Sum(p => p.Length.Ticks));

    public override string ToString() => string.Join(", ", Periods);

    /// <summary>Reads periods written as <c>HH:mm-HH:mm</c>, e.g. <c>["08:30-12:00", "13:30-17:30"]</c>.</summary>
    public static bool TryParse(IEnumerable<string> texts, out WorkingSchedule? schedule, out string? error)
    {
        schedule = null;
        var periods = new List<WorkingPeriod>();
        foreach (var text in texts)
        {
            var parts = text.Split('-', StringSplitOptions.TrimEntries);
            if (parts.Length != 2
                || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            {
                error = $"'{text}' is not a working period: write HH:mm-HH:mm, e.g. 08:30-12:00.";
                return false;
            }

            periods.Add(new(start, end));
        }

        error = Check(periods);
        if (error is null)
        {
            schedule = new WorkingSchedule(periods);
        }

        return error is null;
    }

    private static string? Check(List<WorkingPeriod> periods)
    {
        if (periods.Count == 0)
        {
            return "A working schedule needs at least one working period.";
        }

        for (var i = 0; i < periods.Count; i++)
        {
            if (periods[i].End <= periods[i].Start)
            {
                return $"The working period {periods[i]} ends before it starts.";
            }

            if (i > 0 && periods[i].Start <= periods[i - 1].End)
            {
                return $"The working periods {periods[i - 1]} and {periods[i]} are out of order, overlap or touch.";
            }
        }

        return null;
    }
}

/// <summary>The <c>Calendar</c> section of the configuration.</summary>
public sealed class CalendarOptions
{
    /// <summary>The city's working periods, e.g. <c>["08:30-12:00", "13:30-17:30"]</c>; empty means that default.</summary>
    public List<string> WorkingPeriods { get; set; } = [];

    public WorkingSchedule Schedule() =>
        WorkingPeriods.Count == 0 ? WorkingSchedule.Default
        : WorkingSchedule.TryParse(WorkingPeriods, out var s, out var error) ? s!
        : throw new InvalidOperationException("Calendar:WorkingPeriods: " + error);
}
