using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;

namespace Grassroots.UnitTests.Features.Cases;

/// <summary>Stage deadlines and yellow instants on the shipped 2026 calendar, periods 08:30–12:00 and 13:30–17:30, yellow at 80 %.</summary>
public class StageClockTests
{
    private static readonly StageClock Clock = new(new WorkingCalendar(CalendarRules.Shipped(), WorkingSchedule.Default), 0.8);
    private static readonly DeadlineProfile TwoHours = new("S0103", Urgency.Normal, Area.Urban, 30, 2, LimitUnit.WorkingHours, 60);
    private static readonly DeadlineProfile ThreeDays = new("S0101", Urgency.Normal, Area.Urban, 30, 3, LimitUnit.WorkingDays, 120);

    private static DateTime Cst(string local) => DateTimeOffset.Parse(local + "+08:00", System.Globalization.CultureInfo.InvariantCulture).UtcDateTime;

    [Fact]
    public void Dispatch_CountsClockMinutes_AndTurnsYellowAt80Percent()
    {
        // Friday 09:00 + 30 min = 09:30; 80 % of 30 min = 24 min → 09:24.
        var t = Clock.Dispatch(Cst("2026-03-06T09:00:00"), TwoHours);
        Assert.Equal((Cst("2026-03-06T09:30:00"), Cst("2026-03-06T09:24:00")), (t.Deadline, t.YellowAt));
    }

    [Fact]
    public void Handling_InWorkingHours_CrossesTheWeekend()
    {
        // Friday 16:30: 60 min to 17:30, then Monday 08:30 + 60 min = 09:30. Yellow at 96 working minutes: Friday's 60, Monday 08:30 + 36 = 09:06.
        var t = Clock.Handling(Cst("2026-03-06T16:30:00"), TwoHours);
        Assert.Equal((Cst("2026-03-09T09:30:00"), Cst("2026-03-09T09:06:00")), (t.Deadline, t.YellowAt));
    }

    [Fact]
    public void Handling_InWorkingDays_SkipsTheMidAutumnHolidays()
    {
        // Thursday 24 Sept 10:00; 25–27 Sept are holidays; Mon 28 (1), Tue 29 (2), Wed 30 (3) → 30 Sept 10:00.
        // Working time allowed: Thu 6 h + Mon 7.5 h + Tue 7.5 h + Wed 1.5 h = 22.5 h; 80 % = 18 h:
        // Thu 6 h, Mon 7.5 h, Tue 08:30–12:00 3.5 h, then 13:30 + 1 h = Tue 14:30.
        var t = Clock.Handling(Cst("2026-09-24T10:00:00"), ThreeDays);
        Assert.Equal((Cst("2026-09-30T10:00:00"), Cst("2026-09-29T14:30:00")), (t.Deadline, t.YellowAt));
    }

    [Fact]
    public void Check_CountsWorkingMinutes_OnAnAdjustedWorkingSaturday()
    {
        // Friday 9 Oct 17:00: 30 min to 17:30; Saturday 10 Oct is a working day (调休): 08:30 + 30 = 09:00.
        // Yellow at 48 working minutes: 30 on Friday, 18 on Saturday → 08:48.
        var t = Clock.Check(Cst("2026-10-09T17:00:00"), TwoHours);
        Assert.Equal((Cst("2026-10-10T09:00:00"), Cst("2026-10-10T08:48:00")), (t.Deadline, t.YellowAt));
    }

    [Fact]
    public void AMovedDeadline_TurnsYellowAtTheSameShareOfTheWorkingTimeLeft()
    {
        // Monday 9 March 08:30 to Tuesday 08:30: one working day of 7.5 h; 80 % = 6 h: 08:30–12:00 is 3.5 h, then 13:30 + 2.5 h = 16:00.
        var t = Clock.Until(Cst("2026-03-09T08:30:00"), Cst("2026-03-10T08:30:00"));
        Assert.Equal((Cst("2026-03-10T08:30:00"), Cst("2026-03-09T16:00:00")), (t.Deadline, t.YellowAt));
    }
}
