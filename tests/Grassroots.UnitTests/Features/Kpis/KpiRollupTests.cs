using System.Globalization;
using Grassroots.Web.Features.Kpis;

namespace Grassroots.UnitTests.Features.Kpis;

/// <summary>How a period maps onto day and month rows, and which regions a case's path counts in.</summary>
public class KpiRollupTests
{
    public static TheoryData<string, string, int> Periods() => new()
    {
        { "2025-01-01", "2025-12-31", 12 },     // a year: its 12 month rows
        { "2025-01-02", "2025-12-30", 70 },     // 30 days, 10 months, 30 days
        { "2025-03-12", "2025-03-12", 1 },      // one day
        { "2025-03-01", "2025-03-31", 1 },      // one whole month
        { "2025-03-02", "2025-03-31", 30 },     // a month less its first day: days only
        { "2025-02-28", "2025-03-01", 2 },      // across a month's end
        { "2024-12-20", "2025-01-10", 22 },     // across a year's end, no whole month
        { "2024-12-01", "2025-02-28", 3 },      // whole months across a year's end
        { "2024-02-01", "2024-02-29", 1 },      // February of a leap year
        { "2023-11-15", "2026-02-10", 52 },     // 16 days, 26 months, 10 days
        { "0001-01-01", "0001-03-31", 3 },      // the first months of the calendar
        { "9999-11-01", "9999-12-31", 32 },     // the last month is read by its days: no month follows it
        { "9999-12-05", "9999-12-31", 27 },
    };

    [Theory]
    [MemberData(nameof(Periods))]
    public void EveryDayOfThePeriod_IsCountedOnce_AndNoOtherDay(string fromText, string toText, int rows)
    {
        var from = DateOnly.Parse(fromText, CultureInfo.InvariantCulture);
        var to = DateOnly.Parse(toText, CultureInfo.InvariantCulture);
        var low = from.DayNumber < 62 ? DateOnly.MinValue : from.AddDays(-62);
        var high = DateOnly.MaxValue.DayNumber - to.DayNumber < 62 ? DateOnly.MaxValue : to.AddDays(62);

        // Every day and month row from two months before to two months after; the picked rows' days, as often as counted.
        var picks = KpiRollup.InPeriod(from, to).Compile();
        var covered = new Dictionary<DateOnly, int>();
        var picked = 0;
        for (var day = low; ; day = day.AddDays(1))
        {
            if (picks(Row(day, KpiGrain.Day)))
            {
                picked++;
                covered[day] = covered.GetValueOrDefault(day) + 1;
            }

            if (day.Day == 1 && picks(Row(day, KpiGrain.Month)))
            {
                picked++;
                for (var d = day; d.Month == day.Month; d = d.AddDays(1))
                {
                    covered[d] = covered.GetValueOrDefault(d) + 1;
                    if (d == DateOnly.MaxValue)
                    {
                        break;
                    }
                }
            }

            if (day == high)
            {
                break;
            }
        }

        Assert.All(covered, c => Assert.True(c.Value == 1, $"{c.Key:yyyy-MM-dd} counted {c.Value} times"));
        Assert.Equal(to.DayNumber - from.DayNumber + 1, covered.Count);
        Assert.Equal(from, covered.Keys.Min());
        Assert.Equal(to, covered.Keys.Max());
        Assert.Equal(rows, picked);
    }

    [Fact]
    public void RandomPeriods_CountEveryDayOnce_InTheWholeMonthsAndAtMost60Days()
    {
        var rng = new Random(20251126);
        for (var i = 0; i < 300; i++)
        {
            var from = new DateOnly(2024, 1, 1).AddDays(rng.Next(0, 800));
            var to = from.AddDays(rng.Next(0, 400));
            var picks = KpiRollup.InPeriod(from, to).Compile();
            var days = 0;
            var picked = 0;
            for (var day = from.AddDays(-40); day <= to.AddDays(40); day = day.AddDays(1))
            {
                var inDay = picks(Row(day, KpiGrain.Day));
                var inMonth = picks(Row(new DateOnly(day.Year, day.Month, 1), KpiGrain.Month));
                Assert.False(inDay && inMonth, $"{from}..{to}: {day} counted twice");
                Assert.Equal(day >= from && day <= to, inDay || inMonth);
                days += inDay || inMonth ? 1 : 0;
                picked += (inDay ? 1 : 0) + (inMonth && day.Day == 1 ? 1 : 0);
            }

            Assert.Equal(to.DayNumber - from.DayNumber + 1, days);
            var wholeMonths = picked - Enumerable.Range(0, days).Count(d => picks(Row(from.AddDays(d), KpiGrain.Day)));
            Assert.True(picked - wholeMonths <= 60, $"{from}..{to}: {picked - wholeMonths} day rows");
            Assert.True(wholeMonths <= (days / 28) + 1, $"{from}..{to}: {wholeMonths} month rows");
        }
    }

    [Theory]
    [InlineData("320200000000/320213000000/320213001000/320213001001/", 4)]
    [InlineData("320200000000/320213000000/", 2)]
    [InlineData("320200000000/", 1)]
    public void ACase_CountsInItsRegion_AndEveryRegionAboveIt(string path, int levels)
    {
        var regions = KpiRollup.RegionsOf(path).ToList();
        Assert.Equal(levels, regions.Count);
        Assert.Equal(path, regions[^1]);
        Assert.Equal(Enumerable.Range(1, levels).Select(l => (byte)l), regions.Select(KpiRollup.LevelOf));
        Assert.All(regions, r => Assert.StartsWith(r, path, StringComparison.Ordinal));
        Assert.Equal(["320200000000/"], KpiRollup.RegionsOf("320200000000/").ToList());
        Assert.Equal(["x"], KpiRollup.RegionsOf("x").ToList());
        Assert.Equal(1, KpiRollup.LevelOf("x"));
    }

    private static KpiRollup Row(DateOnly day, KpiGrain grain) => new() { Day = day, Grain = grain, RegionPath = "a/", Key = "" };
}
