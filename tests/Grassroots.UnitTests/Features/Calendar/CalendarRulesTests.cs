using System.Globalization;
using Grassroots.Web.Features.Calendar;

namespace Grassroots.UnitTests.Features.Calendar;

public class CalendarRulesTests
{
    private static DateOnly D(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Ranges "MM-dd..MM-dd" or single days, as the State Council notices give them.</summary>
    private static List<DateOnly> Days(int year, params string[] spans) =>
    [
        .. spans.SelectMany(s =>
        {
            var parts = s.Split("..");
            var first = D($"{year}-{parts[0]}");
            var last = D($"{year}-{parts[^1]}");
            return Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays);
        }),
    ];

    public static TheoryData<int, List<DateOnly>, List<DateOnly>> Notices() => new()
    {
        { 2024, Days(2024, "01-01", "02-10..02-17", "04-04..04-06", "05-01..05-05", "06-10", "09-15..09-17", "10-01..10-07"), Days(2024, "02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12") },
        { 2025, Days(2025, "01-01", "01-28..02-04", "04-04..04-06", "05-01..05-05", "05-31..06-02", "10-01..10-08"), Days(2025, "01-26", "02-08", "04-27", "09-28", "10-11") },
        { 2026, Days(2026, "01-01..01-03", "02-15..02-23", "04-04..04-06", "05-01..05-05", "06-19..06-21", "09-25..09-27", "10-01..10-07"), Days(2026, "01-04", "02-14", "02-28", "05-09", "09-20", "10-10") },
    };

    [Theory]
    [MemberData(nameof(Notices))]
    public void TheShippedSchedules_AreTheStateCouncilNotices(int year, List<DateOnly> holidays, List<DateOnly> workdays)
    {
        var shipped = Assert.Single(CalendarRules.Shipped(), y => y.Year == year);
        Assert.Equal(holidays, shipped.Holidays.Select(d => d.Date));
        Assert.Equal(workdays, shipped.Workdays.Select(d => d.Date));
        Assert.All(shipped.Holidays.Concat(shipped.Workdays), d => Assert.False(string.IsNullOrWhiteSpace(d.Name)));
        Assert.Equal([2024, 2025, 2026], CalendarRules.Shipped().Select(y => y.Year));
    }

    private static CalendarYearInput Input(int? year, (string Date, string Name)[] holidays, (string Date, string Name)[] workdays) =>
        new(year, null, [.. holidays.Select(h => new CalendarDayInput(h.Date, h.Name))], [.. workdays.Select(w => new CalendarDayInput(w.Date, w.Name))]);

    [Fact]
    public void AGoodYear_IsAccepted_InDateOrder()
    {
        var (data, problems) = CalendarRules.Validate(2027, Input(2027, [("2027-02-07", "春节"), ("2027-01-01", "元旦")], [("2027-02-20", "春节调休上班")]));
        Assert.Empty(problems);
        Assert.NotNull(data);
        Assert.Equal([D("2027-01-01"), D("2027-02-07")], data.Holidays.Select(d => d.Date));
        Assert.Equal(D("2027-02-20"), Assert.Single(data.Workdays).Date);
    }

    [Fact]
    public void ABadYear_IsRefused_WithEveryProblem()
    {
        var (data, problems) = CalendarRules.Validate(2027, Input(2028,
            [("2027-01-01", "元旦"), ("2026-12-31", "跨年"), ("2027-13-01", "坏日期"), ("2027-01-01", "重复"), ("2027-02-06", ""), ("2027-02-08", "春节")],
            [("2027-02-08", "春节调休上班"), ("2027-02-10", "周三")]));
        Assert.Null(data);
        Assert.Equal(
            [
                ("year", "year-mismatch"),
                ("holidays[1].date", "outside-year"),
                ("holidays[2].date", "invalid-date"),
                ("holidays[3].date", "duplicate-date"),
                ("holidays[4].name", "required"),
                ("workdays[0].date", "holiday-and-workday"),
                ("workdays[0].date", "workday-not-weekend"),  // 8 Feb 2027 is a Monday
                ("workdays[1].date", "workday-not-weekend"),
            ],
            problems.Select(p => (p.Field, p.Code)));
        Assert.All(problems, p => Assert.False(string.IsNullOrEmpty(p.Zh) || string.IsNullOrEmpty(p.En)));
    }

    [Theory]
    [InlineData(1999)]
    [InlineData(2101)]
    public void AYearFarOutside_IsRefused(int year) =>
        Assert.Equal("year-out-of-range", Assert.Single(CalendarRules.Validate(year, Input(year, [], [])).Problems).Code);

    [Fact]
    public void MissingLists_AreRefused()
    {
        var (data, problems) = CalendarRules.Validate(2027, new CalendarYearInput(null, null, null, null));
        Assert.Null(data);
        Assert.Equal(["holidays", "workdays"], problems.Select(p => p.Field));
    }
}
