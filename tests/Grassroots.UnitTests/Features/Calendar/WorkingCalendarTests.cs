using System.Globalization;
using Grassroots.Web.Features.Calendar;

namespace Grassroots.UnitTests.Features.Calendar;

/// <summary>The examples of docs/calendar.md, on the shipped 2024–2026 schedules and the default periods 08:30–12:00, 13:30–17:30.</summary>
public class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = new(CalendarRules.Shipped(), WorkingSchedule.Default);

    private static DateTimeOffset T(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.None);

    private static DateOnly D(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2025-01-24", true)]   // Friday
    [InlineData("2025-01-25", false)]  // Saturday
    [InlineData("2025-01-26", true)]   // Sunday, 春节 adjusted working day
    [InlineData("2025-01-28", false)]  // Tuesday, 春节
    [InlineData("2025-02-04", false)]  // Tuesday, last day of 春节
    [InlineData("2025-02-05", true)]
    [InlineData("2025-02-08", true)]   // Saturday, 春节 adjusted working day
    [InlineData("2025-02-09", false)]  // Sunday
    [InlineData("2025-10-08", false)]  // Wednesday, 国庆·中秋
    [InlineData("2025-12-31", true)]
    [InlineData("2026-01-02", false)]  // Friday, 元旦
    [InlineData("2026-01-04", true)]   // Sunday, 元旦 adjusted working day
    [InlineData("2026-09-20", true)]   // Sunday, 国庆 adjusted working day
    [InlineData("2026-10-07", false)]  // Wednesday, 国庆
    [InlineData("2026-10-10", true)]   // Saturday, 国庆 adjusted working day
    [InlineData("2024-02-18", true)]   // Sunday, 春节 adjusted working day
    [InlineData("2024-06-10", false)]  // Monday, 端午
    public void IsWorkingDay_FollowsWeekendsHolidaysAndAdjustedWorkingDays(string day, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(D(day)));

    [Theory]
    [InlineData("2023-12-29")]
    [InlineData("2027-01-04")]
    public void IsWorkingDay_InAYearNotLoaded_FailsNamingTheYear(string day)
    {
        var e = Assert.Throws<CalendarNotLoadedException>(() => Calendar.IsWorkingDay(D(day)));
        Assert.Equal(D(day).Year, e.Year);
    }

    [Theory]
    [InlineData("2025-02-05T08:29:59+08:00", false)]
    [InlineData("2025-02-05T08:30:00+08:00", true)]
    [InlineData("2025-02-05T11:59:59+08:00", true)]
    [InlineData("2025-02-05T12:00:00+08:00", false)]  // a period's end is not working time
    [InlineData("2025-02-05T13:29:00+08:00", false)]
    [InlineData("2025-02-05T13:30:00+08:00", true)]
    [InlineData("2025-02-05T17:29:59+08:00", true)]
    [InlineData("2025-02-05T17:30:00+08:00", false)]
    [InlineData("2025-02-05T00:30:00+00:00", true)]   // 08:30 in Shanghai
    [InlineData("2025-02-04T23:00:00-01:00", false)]  // 08:00 on 5 Feb in Shanghai: before the first period
    [InlineData("2025-02-04T10:00:00+08:00", false)]  // 春节
    [InlineData("2025-01-26T10:00:00+08:00", true)]   // adjusted working Sunday
    public void IsWorkingTime_IsInsideAPeriodOfAWorkingDay(string instant, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingTime(T(instant)));

    [Theory]
    // Inside working time: the same clock time on the Nth working day after.
    [InlineData("2025-01-24T10:00:00+08:00", 1, "2025-01-26T10:00:00+08:00")]  // Fri → adjusted working Sunday
    [InlineData("2025-01-27T10:00:00+08:00", 1, "2025-02-05T10:00:00+08:00")]  // Mon → over 春节
    [InlineData("2025-01-26T15:00:00+08:00", 2, "2025-02-05T15:00:00+08:00")]
    [InlineData("2025-02-07T09:00:00+08:00", 1, "2025-02-08T09:00:00+08:00")]  // Fri → adjusted working Saturday
    [InlineData("2025-02-07T09:00:00+08:00", 2, "2025-02-10T09:00:00+08:00")]
    [InlineData("2026-09-18T16:00:00+08:00", 1, "2026-09-20T16:00:00+08:00")]  // Fri → adjusted working Sunday
    [InlineData("2026-09-30T10:00:00+08:00", 1, "2026-10-08T10:00:00+08:00")]  // over 国庆
    [InlineData("2026-09-30T10:00:00+08:00", 3, "2026-10-10T10:00:00+08:00")]  // … to the adjusted working Saturday
    [InlineData("2025-12-31T10:00:00+08:00", 1, "2026-01-04T10:00:00+08:00")]  // over the year's end and 元旦
    [InlineData("2025-12-31T10:00:00+08:00", 2, "2026-01-05T10:00:00+08:00")]
    [InlineData("2025-02-05T10:00:00+08:00", 5, "2025-02-11T10:00:00+08:00")]  // Sat 8 Feb counts, Sun 9 Feb does not
    // Outside working time: counted from the start of the next working period.
    [InlineData("2025-02-05T07:00:00+08:00", 1, "2025-02-06T08:30:00+08:00")]  // before 08:30
    [InlineData("2025-02-05T12:30:00+08:00", 1, "2025-02-06T13:30:00+08:00")]  // lunch
    [InlineData("2025-02-05T12:00:00+08:00", 1, "2025-02-06T13:30:00+08:00")]  // the first period's end
    [InlineData("2025-02-05T18:00:00+08:00", 1, "2025-02-07T08:30:00+08:00")]  // after 17:30
    [InlineData("2025-02-07T18:00:00+08:00", 1, "2025-02-10T08:30:00+08:00")]  // Fri evening: from Sat 8 Feb 08:30
    [InlineData("2025-01-29T10:00:00+08:00", 1, "2025-02-06T08:30:00+08:00")]  // on a holiday: from 5 Feb 08:30
    [InlineData("2025-02-09T10:00:00+08:00", 1, "2025-02-11T08:30:00+08:00")]  // on a Sunday
    // Other offsets: read as the instant they are, answered in +08:00.
    [InlineData("2025-01-27T02:00:00+00:00", 1, "2025-02-05T10:00:00+08:00")]
    [InlineData("2025-01-26T20:00:00Z", 1, "2025-02-05T08:30:00+08:00")]       // 04:00 on 27 Jan in Shanghai
    [InlineData("2025-12-31T02:00:00-05:00", 1, "2026-01-04T15:00:00+08:00")]  // 15:00 on 31 Dec in Shanghai
    // Zero: the start itself, or the next working period.
    [InlineData("2025-02-05T10:00:00+08:00", 0, "2025-02-05T10:00:00+08:00")]
    [InlineData("2025-02-05T18:00:00+08:00", 0, "2025-02-06T08:30:00+08:00")]
    public void AddWorkingDays_EndsAtTheSameClockTimeOnTheNthWorkingDay(string from, int days, string expected)
    {
        var deadline = Calendar.AddWorkingDays(T(from), days);
        Assert.Equal(T(expected), deadline);
        Assert.Equal(TimeSpan.FromHours(8), deadline.Offset);
    }

    [Theory]
    [InlineData("2025-02-05T09:00:00+08:00", 2, "2025-02-05T11:00:00+08:00")]
    [InlineData("2025-02-05T10:00:00+08:00", 2, "2025-02-05T12:00:00+08:00")]   // uses up the morning: ends at 12:00, not 13:30
    [InlineData("2025-02-05T11:00:00+08:00", 2, "2025-02-05T14:30:00+08:00")]   // over lunch
    [InlineData("2025-02-05T11:45:00+08:00", 0.5, "2025-02-05T13:45:00+08:00")]
    [InlineData("2025-02-05T16:30:00+08:00", 2, "2025-02-06T09:30:00+08:00")]   // over the night
    [InlineData("2025-02-05T07:00:00+08:00", 1, "2025-02-05T09:30:00+08:00")]   // before 08:30
    [InlineData("2025-02-05T12:15:00+08:00", 1, "2025-02-05T14:30:00+08:00")]   // during lunch
    [InlineData("2025-02-05T19:00:00+08:00", 1, "2025-02-06T09:30:00+08:00")]   // after 17:30
    [InlineData("2025-02-05T08:30:00+08:00", 7.5, "2025-02-05T17:30:00+08:00")] // one whole working day
    [InlineData("2025-02-05T08:30:00+08:00", 8, "2025-02-06T09:00:00+08:00")]
    [InlineData("2025-01-24T17:00:00+08:00", 1, "2025-01-26T09:00:00+08:00")]   // Fri → adjusted working Sunday
    [InlineData("2025-01-27T17:00:00+08:00", 1, "2025-02-05T09:00:00+08:00")]   // over 春节
    [InlineData("2025-01-30T10:00:00+08:00", 1, "2025-02-05T09:30:00+08:00")]   // on a holiday
    [InlineData("2026-09-30T16:00:00+08:00", 4, "2026-10-08T11:00:00+08:00")]   // over 国庆
    [InlineData("2026-10-09T17:00:00+08:00", 1, "2026-10-10T09:00:00+08:00")]   // Fri → adjusted working Saturday
    [InlineData("2025-12-31T17:00:00+08:00", 1, "2026-01-04T09:00:00+08:00")]   // over the year's end and 元旦
    [InlineData("2025-02-05T01:00:00+00:00", 2, "2025-02-05T11:00:00+08:00")]   // 09:00 in Shanghai
    [InlineData("2025-02-05T11:59:30+08:00", 1, "2025-02-05T14:29:30+08:00")]   // seconds are kept
    [InlineData("2025-02-05T18:00:00+08:00", 0, "2025-02-06T08:30:00+08:00")]
    public void AddWorkingHours_CountsOnlyTimeInsideWorkingPeriods(string from, double hours, string expected)
    {
        var deadline = Calendar.AddWorkingHours(T(from), hours);
        Assert.Equal(T(expected), deadline);
        Assert.Equal(TimeSpan.FromHours(8), deadline.Offset);
    }

    [Theory]
    [InlineData(0.5, 30)]
    [InlineData(1.25, 75)]
    [InlineData(0.01, 1)]      // 0.6 min rounds to 1
    [InlineData(0.0083, 0)]    // 0.498 min rounds to 0
    [InlineData(24, 1440)]
    public void WorkingHours_AreCountedInWholeMinutes(double hours, long minutes) =>
        Assert.Equal(minutes, WorkingCalendar.MinutesOf(hours));

    [Fact]
    public void Deadlines_IntoAYearNotLoaded_FailNamingTheYear()
    {
        Assert.Equal(2027, Assert.Throws<CalendarNotLoadedException>(() => Calendar.AddWorkingDays(T("2026-12-31T10:00:00+08:00"), 1)).Year);
        Assert.Equal(2027, Assert.Throws<CalendarNotLoadedException>(() => Calendar.AddWorkingHours(T("2026-12-31T17:00:00+08:00"), 1)).Year);
        Assert.Equal(2023, Assert.Throws<CalendarNotLoadedException>(() => Calendar.AddWorkingHours(T("2023-12-31T17:00:00+08:00"), 1)).Year);

        // Inside the last loaded day it is still answered.
        Assert.Equal(T("2026-12-31T17:00:00+08:00"), Calendar.AddWorkingHours(T("2026-12-31T16:00:00+08:00"), 1));
    }

    [Fact]
    public void NegativeDurations_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingDays(T("2025-02-05T10:00:00+08:00"), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingHours(T("2025-02-05T10:00:00+08:00"), -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingHours(T("2025-02-05T10:00:00+08:00"), double.NaN));
    }

    [Theory]
    [InlineData("2025-02-05T09:00:00+08:00", "2025-02-05T15:00:00+08:00", 270)]  // 3 h + 1.5 h, lunch left out
    [InlineData("2025-01-27T17:00:00+08:00", "2025-02-05T09:00:00+08:00", 60)]   // 春节 left out
    [InlineData("2025-01-27T10:00:00+08:00", "2025-02-05T10:00:00+08:00", 450)]  // one working day = 7.5 h
    [InlineData("2025-02-08T17:30:00+08:00", "2025-02-10T08:30:00+08:00", 0)]    // a Sunday between
    [InlineData("2025-02-05T12:10:00+08:00", "2025-02-05T13:20:00+08:00", 0)]    // inside lunch
    [InlineData("2025-02-05T15:00:00+08:00", "2025-02-05T09:00:00+08:00", 0)]    // the end before the start
    [InlineData("2025-12-31T16:30:00+08:00", "2026-01-04T09:30:00+08:00", 120)]  // over the year's end
    [InlineData("2025-02-05T01:00:00Z", "2025-02-05T03:00:00Z", 120)]            // 09:00–11:00 in Shanghai
    public void WorkingTimeBetween_CountsOnlyWorkingPeriods(string start, string end, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), Calendar.WorkingTimeBetween(T(start), T(end)));

    [Theory]
    [InlineData("2025-01-24T16:10:00+08:00")]
    [InlineData("2025-02-05T12:30:00+08:00")]
    [InlineData("2026-09-30T07:00:00+08:00")]
    [InlineData("2025-12-31T16:59:00+08:00")]
    public void WorkingTimeBetween_TheStartAndItsDeadline_IsTheTimeAllowed(string from)
    {
        foreach (var hours in new[] { 0.5, 1, 2, 3.5, 7.5, 8, 16, 40 })
        {
            Assert.Equal(TimeSpan.FromHours(hours), Calendar.WorkingTimeBetween(T(from), Calendar.AddWorkingHours(T(from), hours)));
        }

        foreach (var days in new[] { 1, 2, 3, 5, 10 })
        {
            Assert.Equal(TimeSpan.FromHours(7.5 * days), Calendar.WorkingTimeBetween(T(from), Calendar.AddWorkingDays(T(from), days)));
        }
    }

    [Fact]
    public void ShareUsed_IsTheWorkingTimeUsedOverTheWorkingTimeAllowed()
    {
        var start = T("2025-02-05T09:00:00+08:00");
        var deadline = Calendar.AddWorkingHours(start, 4);  // 14:30
        Assert.Equal(0.5, Calendar.ShareUsed(start, deadline, T("2025-02-05T11:00:00+08:00")));
        Assert.Equal(0.75, Calendar.ShareUsed(start, deadline, T("2025-02-05T13:00:00+08:00")));  // lunch does not count
        Assert.Equal(1.0, Calendar.ShareUsed(start, deadline, deadline));
        Assert.True(Calendar.ShareUsed(start, deadline, T("2025-02-06T09:00:00+08:00")) > 1);
    }

    [Fact]
    public void NextWorkingTime_IsTheInstantInWorkingTime_OrTheNextPeriodsStart()
    {
        Assert.Equal(T("2025-02-05T10:00:00+08:00"), Calendar.NextWorkingTime(T("2025-02-05T02:00:00Z")));
        Assert.Equal(T("2025-02-05T13:30:00+08:00"), Calendar.NextWorkingTime(T("2025-02-05T12:00:00+08:00")));
        Assert.Equal(T("2025-01-26T08:30:00+08:00"), Calendar.NextWorkingTime(T("2025-01-24T17:30:00+08:00")));
        Assert.Equal(T("2026-01-04T08:30:00+08:00"), Calendar.NextWorkingTime(T("2025-12-31T18:00:00+08:00")));
    }

    [Fact]
    public void AUnitsOwnSchedule_IsUsedByTheSameArithmetic()
    {
        Assert.True(WorkingSchedule.TryParse(["09:00-17:00"], out var schedule, out _));
        var unit = Calendar.WithSchedule(schedule!);
        Assert.Equal(T("2025-02-06T10:00:00+08:00"), unit.AddWorkingHours(T("2025-02-05T16:00:00+08:00"), 2));
        Assert.Equal(T("2025-02-05T12:30:00+08:00"), unit.AddWorkingHours(T("2025-02-05T11:30:00+08:00"), 1));  // no lunch break
        Assert.Equal(T("2025-02-06T09:00:00+08:00"), unit.AddWorkingDays(T("2025-02-05T08:30:00+08:00"), 1));
        Assert.True(unit.IsWorkingTime(T("2025-02-05T12:30:00+08:00")));
        Assert.False(Calendar.IsWorkingTime(T("2025-02-05T12:30:00+08:00")));
    }

    [Theory]
    [InlineData(new[] { "08:30-12:00", "13:30-17:30" }, true)]
    [InlineData(new[] { "09:00-17:00" }, true)]
    [InlineData(new[] { "08:00-11:30", "14:00-17:00", "19:00-21:00" }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "12:00-08:30" }, false)]
    [InlineData(new[] { "08:30-12:00", "11:30-17:30" }, false)]  // overlap
    [InlineData(new[] { "13:30-17:30", "08:30-12:00" }, false)]  // out of order
    [InlineData(new[] { "8:30-12" }, false)]
    [InlineData(new[] { "08:30" }, false)]
    public void WorkingSchedule_AcceptsOnlyOrderedSeparatePeriods(string[] periods, bool valid)
    {
        Assert.Equal(valid, WorkingSchedule.TryParse(periods, out var schedule, out var error));
        Assert.Equal(valid, schedule is not null);
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void TheDefaultSchedule_Is0830To1200And1330To1730_SevenAndAHalfHours()
    {
        Assert.Equal("08:30-12:00, 13:30-17:30", WorkingSchedule.Default.ToString());
        Assert.Equal(TimeSpan.FromHours(7.5), WorkingSchedule.Default.PerDay);
        Assert.Same(WorkingSchedule.Default, new CalendarOptions().Schedule());
    }
}
