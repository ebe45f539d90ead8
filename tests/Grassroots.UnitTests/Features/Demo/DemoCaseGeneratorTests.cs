using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Import;
using Grassroots.Web.Features.Units;

namespace Grassroots.UnitTests.Features.Demo;

public class DemoCaseGeneratorTests
{
    private static readonly Lazy<DemoCity> City = new(() => DemoCityGenerator.Generate(7, DemoScale.Small));
    private static readonly CategoryDictionary Dictionary = CategoryFile.Read(CategoryFile.Shipped(), FileFormat.Csv, new ImportErrors())!;
    private static readonly WorkingCalendar Calendar = new(CalendarRules.Shipped(), WorkingSchedule.Default);
    private static readonly SupervisionOptions Supervision = new();
    private static readonly TrackingCodeCipher Codes = new(new byte[32]);

    /// <summary>Thursday 26 November 2026, 10:30 in Wuxi.</summary>
    private static readonly DateTime Now = new(2026, 11, 26, 2, 30, 0, DateTimeKind.Utc);

    /// <summary>The year at 60 cases a day: enough of every rare outcome to count.</summary>
    private static readonly Lazy<List<Case>> Year = new(() => Generate(2026, 60, Now));

    private static List<Case> Generate(int seed, double? perDay, DateTime now, int contactRetentionDays = 0)
    {
        var places = DemoSeeder.Places(City.Value);
        var generator = new DemoCaseGenerator(
            places, Dictionary.Categories, new DeadlineTable(Dictionary.Deadlines), Calendar,
            DemoUnits.For(City.Value.Regions).Select(u => u.Code).ToHashSet(StringComparer.Ordinal), DemoSeeder.Staff(City.Value), Codes,
            new DemoCaseSettings(seed, perDay ?? places.Count * DemoCaseGenerator.CasesPerGridPerDay, now, 0.8, Supervision, 7, contactRetentionDays));
        return [.. generator.Days().SelectMany(d => d)];
    }

    /// <summary>Rare paths (会办 on a case that is then reworked, a return after an extension …) meet only in volume: a city-sized year on the small city runs through, every case following the workflow.</summary>
    [Fact]
    public void AYearAtCityVolume_RunsThrough_AndEveryCaseFollowsTheWorkflow()
    {
        var cases = Generate(11, 500, Now);
        Assert.True(cases.Count > 100_000, $"{cases.Count} cases");
        foreach (var c in cases)
        {
            WorkflowReplay.Check(c, Now);
        }

        Assert.Contains(cases, c => c.ReworkCount > 0 && c.CooperatingUnits is not null);
    }

    private static string Digest(IEnumerable<Case> cases)
    {
        using var digest = new DemoCaseDigest();
        foreach (var c in cases)
        {
            digest.Add(c);
        }

        return digest.Hex();
    }

    private static DateOnly Local(DateTime utc) => DateOnly.FromDateTime(utc + WorkingCalendar.ChinaOffset);

    [Fact]
    public void ContactsOfCasesClosedLongerAgoThanTheRetention_AreErasedAsOnTheDay_TheRestIsTheSameYear()
    {
        const int days = 180;
        var cases = Generate(2026, 60, Now, days);
        static bool Expired(Case c) => c.Status is CaseStatus.Closed or CaseStatus.Voided && c.UpdatedAt < Now.AddDays(-days);
        static bool HadContact(Case c) => c.Source is CaseSource.Resident or CaseSource.Hotline;

        var erased = cases.Where(c => HadContact(c) && Expired(c)).ToList();
        Assert.True(erased.Count > 1000, $"{erased.Count} erased");
        Assert.All(erased, c =>
        {
            Assert.Equal((null, null, null), (c.ReporterName, c.ReporterPhone, c.ReporterEmail));
            Assert.Equal(c.UpdatedAt.AddDays(days), c.ContactErasedAt);
        });

        var kept = cases.Where(c => HadContact(c) && !Expired(c)).ToList();
        Assert.True(kept.Count > 1000, $"{kept.Count} kept");
        Assert.All(kept, c => Assert.True(c.ReporterName is not null && c.ReporterPhone is not null && c.ContactErasedAt is null, $"case {c.Id}"));

        // Erasing draws nothing from the generator: the year is the one generated without it.
        Assert.Equal(
            Year.Value.Select(c => (c.Id, c.Status, c.UpdatedAt, c.StepCount, c.Description)),
            cases.Select(c => (c.Id, c.Status, c.UpdatedAt, c.StepCount, c.Description)));
    }

    [Fact]
    public void SameSeed_GivesTheSameRows_AnotherSeed_Others()
    {
        var until = new DateTime(2026, 3, 1, 4, 0, 0, DateTimeKind.Utc);
        var first = Generate(11, null, until);
        var again = Generate(11, null, until);
        var other = Generate(12, null, until);
        Assert.NotEmpty(first);
        Assert.Equal(Digest(first), Digest(again));
        Assert.Equal(first.Select(c => (c.Id, c.TrackingCode, c.Description, c.ReportedAt)), again.Select(c => (c.Id, c.TrackingCode, c.Description, c.ReportedAt)));
        Assert.NotEqual(Digest(first), Digest(other));
    }

    [Fact]
    public void Small_ReportsAbout25ADay_InProportionToItsGrids()
    {
        var places = DemoSeeder.Places(City.Value);
        var rate = places.Count * DemoCaseGenerator.CasesPerGridPerDay;
        Assert.InRange(rate, 20, 30);
        var cases = Generate(5, null, Now);
        var days = (Now - DemoCaseGenerator.YearStart(Now)).TotalDays;
        Assert.InRange(cases.Count, rate * days * 0.9, rate * days * 1.1);
        Assert.Equal(cases.Count, cases.Select(c => c.TrackingCode).Distinct().Count());
        Assert.All(cases, c => Assert.Equal((true, c.Id), (Codes.TryDecode(c.TrackingCode, out var id), id)));
    }

    [Fact]
    public void EveryStepAndOutcome_Occurs()
    {
        var cases = Year.Value;
        var kinds = cases.SelectMany(c => c.Steps).Select(s => s.Kind).ToHashSet();
        foreach (var kind in Enum.GetValues<StepKind>())
        {
            Assert.Contains(kind, kinds);
        }

        var steps = cases.SelectMany(c => c.Steps).ToList();
        Assert.Contains(steps, s => s.Kind == StepKind.Supervise && s.Actor == "system");
        Assert.Contains(steps, s => s.Kind == StepKind.Supervise && s.Role == "Leader");
        Assert.Contains(steps, s => s.Kind == StepKind.Rate && s.Result == nameof(Rating.Dissatisfied) && s.Seq < cases.Single(c => c.Id == s.CaseId).StepCount);
        Assert.Contains(cases, c => c.Outcome == CaseOutcome.NotFixed);
        Assert.Contains(cases, c => c.Status == CaseStatus.Voided);
        Assert.Contains(cases, c => c.Status == CaseStatus.Parked);
        Assert.Contains(cases, c => c.Supervision == SupervisionLevel.Red);
        Assert.Contains(steps, s => s.Actor == "lx.grid");
        Assert.Contains(steps, s => s.Actor == "lx.center");
        Assert.Contains(steps, s => s.Actor == "lx.unit" && s.Unit == DemoAccounts.LiangxiUnit);

        // Most work is on time; ratings are mostly 满意.
        var feedbacks = steps.Where(s => s.Kind == StepKind.Feedback).ToList();
        Assert.InRange(feedbacks.Count(s => s.OnTime == true) / (double)feedbacks.Count, 0.85, 0.97);
        var ratings = steps.Where(s => s.Kind == StepKind.Rate).ToList();
        Assert.True(ratings.Count(s => s.Result == nameof(Rating.Satisfied)) > ratings.Count / 2);
        var closed = cases.Count(c => c.Status == CaseStatus.Closed);
        Assert.True(closed > cases.Count * 0.9, $"{closed} of {cases.Count} closed");
    }

    [Fact]
    public void Categories_FollowTheSeasons_AndThePlace()
    {
        var cases = Year.Value;
        double Share(Func<Case, bool> category, Func<DateOnly, bool> when)
        {
            var inPeriod = cases.Where(c => when(Local(c.ReportedAt))).ToList();
            return inPeriod.Count(category) / (double)inPeriod.Count;
        }

        // 积水 in the plum-rain season, 园林绿化 in spring and summer, snow and ice only in winter, rubbish all year.
        Assert.True(Share(c => c.CategoryCode == "S0404", DemoCaseShape.PlumRain) > 5 * Share(c => c.CategoryCode == "S0404", d => !DemoCaseShape.PlumRain(d)));
        Assert.True(Share(c => c.CategoryCode.StartsWith("B04", StringComparison.Ordinal), DemoCaseShape.Growing) > 2 * Share(c => c.CategoryCode.StartsWith("B04", StringComparison.Ordinal), DemoCaseShape.Winter));
        Assert.Contains(cases, c => c.CategoryCode == "S0408");
        Assert.All(cases.Where(c => c.CategoryCode == "S0408"), c => Assert.True(DemoCaseShape.Winter(Local(c.ReportedAt))));
        Assert.All(Enumerable.Range(1, 11), m => Assert.True(Share(c => c.CategoryCode == "S0101", d => d.Month == m) > 0.05));
        var byMonth = cases.GroupBy(c => Local(c.ReportedAt).Month).ToDictionary(g => g.Key, g => g.GroupBy(c => c.CategoryCode).MaxBy(x => x.Count())!.Key);
        Assert.Equal("S0101", byMonth[3]);
    }

    [Fact]
    public void Categories_FollowThePlace()
    {
        // The small city has no towns: the rural weights are checked where they are set.
        var day = new DateOnly(2026, 10, 15);
        Assert.True(DemoCaseShape.Weight("S0107", day, Area.Rural) > 2.5 * DemoCaseShape.Weight("S0107", day, Area.Urban));
        Assert.True(DemoCaseShape.Weight("S0501", day, Area.Urban) > 2 * DemoCaseShape.Weight("S0501", day, Area.Rural));
        Assert.Equal(0, DemoCaseShape.Weight("S0408", new DateOnly(2026, 7, 1), Area.Urban));
    }

    [Fact]
    public void Weekdays_AreBusier_AndGridWorkersReportOnPatrol()
    {
        var cases = Year.Value;
        var perDay = cases.GroupBy(c => Local(c.ReportedAt)).ToDictionary(g => g.Key, g => g.Count());
        var working = perDay.Where(d => Calendar.IsWorkingDay(d.Key)).Average(d => d.Value);
        var off = perDay.Where(d => !Calendar.IsWorkingDay(d.Key)).Average(d => d.Value);
        Assert.True(working > 1.4 * off, $"{working:F1} a working day, {off:F1} a day off");

        var patrol = cases.Where(c => c.Source == CaseSource.GridWorker && Calendar.IsWorkingDay(Local(c.ReportedAt))).ToList();
        var inHours = patrol.Count(c => Calendar.IsWorkingTime(new DateTimeOffset(c.ReportedAt, TimeSpan.Zero)));
        Assert.True(inHours > 0.8 * patrol.Count);

        // A few hot spots report far more than the typical grid.
        var byGrid = cases.GroupBy(c => c.GridCode).Select(g => g.Count()).Order().ToList();
        Assert.True(byGrid[^1] > 4 * byGrid[byGrid.Count / 2]);
    }

    [Fact]
    public void EveryCase_IsConsistentWithTheWorkflow()
    {
        var cases = Year.Value;
        foreach (var c in cases)
        {
            WorkflowReplay.Check(c, Now);
            Assert.True(c.UpdatedAt <= Now);
            if (c.Source is CaseSource.Resident or CaseSource.Hotline)
            {
                Assert.Matches("^1[3-9][0-9]{9}$", c.ReporterPhone);
                Assert.NotNull(c.ReporterName);
            }
            else
            {
                Assert.Null(c.ReporterName);
                Assert.Null(c.ReporterPhone);
                Assert.Null(c.ReporterEmail);
            }

            // What the overdue sweep would raise now, it has raised already.
            if (c.Status is not (CaseStatus.Closed or CaseStatus.Voided or CaseStatus.Parked) && c.StageDeadline is { } due && due < Now)
            {
                var hours = Calendar.WorkingTimeBetween(new DateTimeOffset(due, TimeSpan.Zero), new DateTimeOffset(Now, TimeSpan.Zero)).TotalHours;
                Assert.True(SweepOverdue.LevelFor(hours, Supervision) <= c.Supervision, $"case {c.Id} is {hours:F1} working hours late at {c.Supervision}");
            }
        }
    }

    [Fact]
    public void RecentCases_StandOpenAtEveryStage()
    {
        // Wednesday 21 January 2026, 10:30 in Wuxi, at the city's rate.
        var cases = Generate(3, 500, new DateTime(2026, 1, 21, 2, 30, 0, DateTimeKind.Utc));
        var open = cases.Select(c => c.Status).ToHashSet();
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            Assert.Contains(status, open);
        }

        Assert.Contains(cases, c => c.ExtensionAskedUntil is not null);
        Assert.All(cases.Where(c => c.Status.IsOpen() && c.StageDeadline is not null), c => Assert.NotNull(c.StageYellowAt));
    }
}

/// <summary>Replays a case's step rows against the state machine of the workflow.</summary>
internal static class WorkflowReplay
{
    public static void Check(Case c, DateTime now)
    {
        Assert.Equal(c.StepCount, c.Steps.Count);
        Assert.Equal(Enumerable.Range(1, c.Steps.Count), c.Steps.Select(s => s.Seq));
        Assert.Equal(StepKind.Report, c.Steps[0].Kind);
        var state = CaseStatus.Reported;
        CaseStatus? parkedFrom = null;
        var extension = false;
        var previous = DateTime.MinValue;
        foreach (var s in c.Steps)
        {
            Assert.True(s.FinishedAt >= previous, $"case {c.Id} step {s.Seq} goes back in time");
            Assert.True(s.FinishedAt <= now);
            previous = s.FinishedAt;
            Assert.Equal(s.Deadline is { } d ? s.FinishedAt <= d : null, s.OnTime);
            var before = state;
            state = (s.Kind, state) switch
            {
                (StepKind.Report, CaseStatus.Reported) when s.Seq == 1 => CaseStatus.Reported,
                (StepKind.Linked, _) when state.IsOpen() => state,
                (StepKind.Accept, CaseStatus.Reported) => CaseStatus.Accepted,
                (StepKind.Register, CaseStatus.Reported or CaseStatus.Accepted) => CaseStatus.Registered,
                (StepKind.Void, CaseStatus.Reported or CaseStatus.Accepted or CaseStatus.Registered) => CaseStatus.Voided,
                (StepKind.Dispatch, CaseStatus.Registered) => CaseStatus.Dispatched,
                (StepKind.Start, CaseStatus.Dispatched) => CaseStatus.InProgress,
                (StepKind.Return, CaseStatus.Dispatched or CaseStatus.InProgress) => CaseStatus.Registered,
                (StepKind.Feedback, CaseStatus.Dispatched or CaseStatus.InProgress) => CaseStatus.Handled,
                (StepKind.VerifyPassed, CaseStatus.Handled) => CaseStatus.Verified,
                (StepKind.VerifyFailed, CaseStatus.Handled) => CaseStatus.InProgress,
                (StepKind.Close, CaseStatus.Verified) => CaseStatus.Closed,
                (StepKind.ExtensionRequested, CaseStatus.Dispatched or CaseStatus.InProgress) when !extension => state,
                (StepKind.ExtensionApproved or StepKind.ExtensionRefused, _) when extension => state,
                (StepKind.Park, CaseStatus.Registered or CaseStatus.Dispatched or CaseStatus.InProgress) => CaseStatus.Parked,
                (StepKind.Resume, CaseStatus.Parked) => parkedFrom!.Value,
                (StepKind.Supervise, _) when state.IsOpen() => state,
                (StepKind.Rate, CaseStatus.Closed) => CaseStatus.Closed,
                (StepKind.Reopen, CaseStatus.Closed) => CaseStatus.Dispatched,
                (StepKind.Joint, CaseStatus.Dispatched or CaseStatus.InProgress) => state,
                (StepKind.TaskDone, CaseStatus.Dispatched or CaseStatus.InProgress) when c.Steps.Any(j => j.Kind == StepKind.Joint && j.Seq < s.Seq && j.Result == s.Unit) => state,
                _ => throw new Xunit.Sdk.XunitException($"case {c.Id}: step {s.Seq} {s.Kind} is not allowed in {state}"),
            };
            parkedFrom = s.Kind == StepKind.Park ? before : s.Kind == StepKind.Resume ? null : parkedFrom;
            extension = s.Kind == StepKind.ExtensionRequested || (extension && s.Kind is not (StepKind.ExtensionApproved or StepKind.ExtensionRefused or StepKind.Feedback or StepKind.Return));
        }

        Assert.Equal(c.Status, state);
    }
}

public class DemoCaseStoreTests
{
    [Fact]
    public void TheBulkWriter_WritesEveryColumnOfACaseAStepAndAPhotoLink()
    {
        // Navigations (the steps, the photo links, a link's step) are rows of their own tables, not columns.
        static string[] Columns(Type type) =>
            [.. type.GetProperties().Where(p => p.CanWrite && p.PropertyType != typeof(List<CaseStep>) && p.PropertyType != typeof(List<CasePhoto>) && p.PropertyType != typeof(CaseStep))
                .Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(Columns(typeof(Case)), DemoCaseStore.CaseColumns.Order(StringComparer.Ordinal));
        Assert.Equal(Columns(typeof(CaseStep)), DemoCaseStore.StepColumns.Order(StringComparer.Ordinal));
        Assert.Equal(Columns(typeof(CasePhoto)), DemoCaseStore.PhotoColumns.Order(StringComparer.Ordinal));
        var c = Case.Report("S0103", Urgency.Normal, CaseSource.Resident, 120.3, 31.5, "320213021001001", "p/", "x", new StepActor("a", "b"), DateTime.UnixEpoch, DateTime.UnixEpoch, new string('a', 64));
        Assert.Equal(DemoCaseStore.CaseColumns.Length, DemoCaseStore.Values(c).Length);
        Assert.Equal(DemoCaseStore.StepColumns.Length, DemoCaseStore.Values(c.Steps[0]).Length);
        Assert.Equal(DemoCaseStore.PhotoColumns.Length, DemoCaseStore.Values(c.PhotoLinks[0]).Length);
    }
}
