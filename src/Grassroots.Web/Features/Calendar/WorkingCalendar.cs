namespace Grassroots.Web.Features.Calendar;

/// <summary>Deadline arithmetic asked about a year whose schedule has not been loaded.</summary>
public sealed class CalendarNotLoadedException(int year)
    : InvalidOperationException($"The official holiday schedule of {year} is not loaded: an administrator loads it with PUT /api/calendar/{year} or the 'calendar load' verb.")
{
    public int Year { get; } = year;
}

/// <summary>
/// Working time by the official calendar: which instants are working time, and deadlines counted in working
/// days or working hours. Pure: built from the loaded years and a <see cref="WorkingSchedule"/>, no database.
/// The rules, with worked examples, are in docs/calendar.md.
/// </summary>
public sealed class WorkingCalendar
{
    /// <summary>Asia/Shanghai: UTC+8 all year, no daylight saving since 1991.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private readonly HashSet<int> years;
    private readonly HashSet<DateOnly> holidays;
    private readonly HashSet<DateOnly> workdays;

    public WorkingCalendar(IReadOnlyCollection<CalendarYearData> loaded, WorkingSchedule schedule)
        : this([.. loaded.Select(y => y.Year)], [.. loaded.SelectMany(y => y.Holidays).Select(d => d.Date)], [.. loaded.SelectMany(y => y.Workdays).Select(d => d.Date)], schedule)
    {
    }

    private WorkingCalendar(HashSet<int> years, HashSet<DateOnly> holidays, HashSet<DateOnly> workdays, WorkingSchedule schedule)
    {
        this.years = years;
        this.holidays = holidays;
        this.workdays = workdays;
        Schedule = schedule;
    }

    public WorkingSchedule Schedule { get; }

    public IReadOnlyCollection<int> LoadedYears => years;

    /// <summary>The same days with another unit's working periods.</summary>
    public WorkingCalendar WithSchedule(WorkingSchedule schedule) => new(years, holidays, workdays, schedule);

    public bool IsLoaded(int year) => years.Contains(year);

    /// <summary>A weekday that is not a holiday, or a weekend day made a working day (调休上班).</summary>
    /// <exception cref="CalendarNotLoadedException">The day's year is not loaded.</exception>
    public bool IsWorkingDay(DateOnly day)
    {
        if (!years.Contains(day.Year))
        {
            throw new CalendarNotLoadedException(day.Year);
        }

        return workdays.Contains(day) || (!holidays.Contains(day) && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
    }

    /// <summary>Inside a working period of a working day (a period's end is not working time).</summary>
    public bool IsWorkingTime(DateTimeOffset instant)
    {
        var (day, time) = Local(instant);
        return IsWorkingDay(day) && Schedule.Periods.Any(p => time >= p.Start.ToTimeSpan() && time < p.End.ToTimeSpan());
    }

    /// <summary>The instant itself when it is working time; otherwise the start of the next working period.</summary>
    public DateTimeOffset NextWorkingTime(DateTimeOffset instant)
    {
        var (day, time) = Local(instant);
        if (IsWorkingDay(day))
        {
            foreach (var p in Schedule.Periods)
            {
                if (time < p.Start.ToTimeSpan())
                {
                    return At(day, p.Start.ToTimeSpan());
                }

                if (time < p.End.ToTimeSpan())
                {
                    return instant.ToOffset(ChinaOffset);
                }
            }
        }

        do
        {
            day = day.AddDays(1);
        }
        while (!IsWorkingDay(day));
        return At(day, Schedule.Periods[0].Start.ToTimeSpan());
    }

    /// <summary>
    /// N working days from an instant: the same clock time on the Nth working day after the start's day, the start
    /// being moved first to the next working period when it is outside working time.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset from, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var start = NextWorkingTime(from);
        var (day, time) = Local(start);
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }

        return At(day, time);
    }

    /// <summary>N working hours from an instant, in whole minutes (0.5 h = 30 min; other fractions round to the nearest minute).</summary>
    public DateTimeOffset AddWorkingHours(DateTimeOffset from, double hours) => AddWorkingMinutes(from, MinutesOf(hours));

    public static long MinutesOf(double hours)
    {
        if (!double.IsFinite(hours) || hours < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hours), hours, "Working hours are a finite number, zero or more.");
        }

        return (long)Math.Round(hours * 60, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Counts only time inside working periods, from the next working period when the start is outside working
    /// time. A deadline that uses up a period exactly ends at that period's end, not at the next one's start.
    /// </summary>
    public DateTimeOffset AddWorkingMinutes(DateTimeOffset from, long minutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minutes);
        var left = TimeSpan.FromMinutes(minutes);
        var current = NextWorkingTime(from);
        while (true)
        {
            var (day, time) = Local(current);
            var period = Schedule.Periods.First(p => time < p.End.ToTimeSpan());
            var available = period.End.ToTimeSpan() - time;
            if (left <= available)
            {
                return current + left;
            }

            left -= available;
            current = NextWorkingTime(At(day, period.End.ToTimeSpan()));
        }
    }

    /// <summary>Working time between two instants; zero when the end is not after the start.</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
        {
            return TimeSpan.Zero;
        }

        var (firstDay, _) = Local(start);
        var (lastDay, _) = Local(end);
        var total = TimeSpan.Zero;
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (!IsWorkingDay(day))
            {
                continue;
            }

            foreach (var p in Schedule.Periods)
            {
                var from = Max(start, At(day, p.Start.ToTimeSpan()));
                var to = Min(end, At(day, p.End.ToTimeSpan()));
                if (to > from)
                {
                    total += to - from;
                }
            }
        }

        return total;
    }

    /// <summary>The share of the allowed working time used by <paramref name="now"/>: 1 at the deadline, above 1 when overdue.</summary>
    public double ShareUsed(DateTimeOffset start, DateTimeOffset deadline, DateTimeOffset now)
    {
        var allowed = WorkingTimeBetween(start, deadline);
        var used = WorkingTimeBetween(start, now);
        return allowed > TimeSpan.Zero ? used / allowed : now >= deadline ? double.PositiveInfinity : 0;
    }

    private static (DateOnly Day, TimeSpan Time) Local(DateTimeOffset instant)
    {
        var local = instant.ToOffset(ChinaOffset).DateTime;
        return (DateOnly.FromDateTime(local), local.TimeOfDay);
    }

    private static DateTimeOffset At(DateOnly day, TimeSpan time) => new(day.ToDateTime(TimeOnly.MinValue) + time, ChinaOffset);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
