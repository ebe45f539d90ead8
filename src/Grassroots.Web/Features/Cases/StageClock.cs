using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Categories;

namespace Grassroots.Web.Features.Cases;

/// <summary>A stage's deadline and the instant it turns yellow.</summary>
public readonly record struct StageTimes(DateTime Deadline, DateTime YellowAt);

/// <summary>
/// The deadline of every stage, from the case's row of the deadline table (小类 × urgency × area) and the
/// working calendar of the unit that works the stage — the one place where stage times are computed.
/// <list type="bullet">
/// <item>register and dispatch (立案派遣): minutes on the clock — the command centre keeps watch day and night;</item>
/// <item>handling (处置): working hours or working days of the handling unit, as PRODUCT.md defines them;</item>
/// <item>on-site check (核查): working minutes of the grid worker's calendar.</item>
/// </list>
/// A stage turns yellow when <see cref="TrafficLightOptions.YellowShare"/> of its time is used: clock time for
/// the dispatch stage, working time for the others.
/// </summary>
public sealed class StageClock(WorkingCalendar calendar, double yellowShare, IReadOnlyDictionary<string, WorkingSchedule>? unitSchedules = null)
{
    public WorkingCalendar Calendar => calendar;

    /// <summary>The calendar with the unit's own working periods, or the city's when it keeps none.</summary>
    public WorkingCalendar For(string? unit) =>
        unit is not null && unitSchedules is not null && unitSchedules.TryGetValue(unit, out var own) ? calendar.WithSchedule(own) : calendar;

    public StageTimes Dispatch(DateTime from, DeadlineProfile profile)
    {
        var deadline = from.AddMinutes(profile.DispatchMinutes);
        return new(deadline, from.AddMinutes(profile.DispatchMinutes * yellowShare));
    }

    /// <param name="unit">The handling unit, whose own working periods count when it keeps them.</param>
    /// <exception cref="CalendarNotLoadedException">The calendar does not reach the deadline's year.</exception>
    public StageTimes Handling(DateTime from, DeadlineProfile profile, string? unit = null)
    {
        var cal = For(unit);
        var start = new DateTimeOffset(DateTime.SpecifyKind(from, DateTimeKind.Utc));
        var deadline = profile.HandlingUnit == LimitUnit.WorkingHours
            ? cal.AddWorkingHours(start, profile.HandlingLimit)
            : cal.AddWorkingDays(start, profile.HandlingLimit);
        return new(deadline.UtcDateTime, Yellow(cal, start, deadline));
    }

    /// <exception cref="CalendarNotLoadedException">The calendar does not reach the deadline's year.</exception>
    public StageTimes Check(DateTime from, DeadlineProfile profile)
    {
        var start = new DateTimeOffset(DateTime.SpecifyKind(from, DateTimeKind.Utc));
        var deadline = calendar.AddWorkingMinutes(start, profile.CheckMinutes);
        return new(deadline.UtcDateTime, Yellow(calendar, start, deadline));
    }

    /// <summary>A deadline moved by hand (an approved extension, a resumed case): yellow at the same share of the working time left.</summary>
    public StageTimes Until(DateTime from, DateTime deadline, string? unit = null)
    {
        var start = new DateTimeOffset(DateTime.SpecifyKind(from, DateTimeKind.Utc));
        return new(deadline, Yellow(For(unit), start, new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc))));
    }

    /// <summary>
    /// A parked stage resumes with the clock it had left: working stages get back the working time left at parking,
    /// the dispatch stage (clock minutes) its clock time; a stage already overdue stays overdue by as much as before.
    /// </summary>
    public StageTimes Resume(DateTime parkedAt, DateTime due, DateTime now, bool clockMinutes, string? unit = null)
    {
        DateTime moved;
        if (due <= parkedAt || clockMinutes)
        {
            moved = due + (now - parkedAt);
        }
        else
        {
            var cal = For(unit);
            var left = cal.WorkingTimeBetween(new DateTimeOffset(DateTime.SpecifyKind(parkedAt, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)));
            moved = cal.AddWorkingMinutes(new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)), (long)Math.Round(left.TotalMinutes)).UtcDateTime;
        }

        return Until(now, moved, unit);
    }

    private DateTime Yellow(WorkingCalendar cal, DateTimeOffset start, DateTimeOffset deadline)
    {
        var allowed = cal.WorkingTimeBetween(start, deadline);
        if (allowed <= TimeSpan.Zero)
        {
            return start.UtcDateTime + (deadline - start) * yellowShare;
        }

        var minutes = (long)Math.Floor(allowed.TotalMinutes * yellowShare);
        return cal.AddWorkingMinutes(start, minutes).UtcDateTime;
    }
}
