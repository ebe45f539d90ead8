using System.Text.Json;
using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Kpis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Grassroots.IntegrationTests.Features.Kpis.KpiTree;

namespace Grassroots.IntegrationTests.Features.Kpis;

/// <summary>
/// Random cases walked through random workflow paths, written in several rounds with partial folds in between: at every
/// point, rollup plus raw tail must equal the direct computation over every step row, for every node kind (regions of
/// every level, units, people) and periods that are whole months, start or end mid-month, span months, are one day, or
/// cross a year boundary; and so must a rebuild. A caller who sees only part of a node gets only that part.
/// </summary>
public sealed class KpiRollupPropertyTests : IAsyncLifetime
{
    private readonly GrassrootsApp app = new("None", new Dictionary<string, string> { ["Kpis:FoldInterval"] = "01:00:00", ["Kpis:FoldBatch"] = "37", ["Kpis:RebuildPage"] = "13" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        await SeedAsync(app);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static readonly (DateOnly From, DateOnly To)[] Periods =
    [
        (new(2025, 3, 1), new(2025, 3, 31)),     // one whole month
        (new(2025, 3, 10), new(2025, 3, 14)),    // inside a month
        (new(2025, 3, 12), new(2025, 3, 12)),    // one day
        (new(2025, 3, 31), new(2025, 4, 1)),     // two days across a month's end
        (new(2025, 2, 17), new(2025, 4, 9)),     // ragged days, a whole month, ragged days
        (new(2025, 1, 1), new(2025, 12, 31)),    // a year
        (new(2024, 12, 20), new(2025, 1, 10)),   // across a year boundary, no whole month
        (new(2024, 12, 1), new(2025, 2, 28)),    // whole months across a year boundary
        (new(2024, 12, 2), new(2025, 3, 30)),    // both ends one day short of a whole month
    ];

    /// <summary>
    /// One case that starts on a random working-ish instant (half of them in March 2025, the others anywhere from
    /// December 2024 to April 2025) and takes random turns until it ends or stops.
    /// </summary>
    private static Case RandomCase(Random rng)
    {
        var at = rng.Next(2) == 0
            ? T(rng.Next(3, 29), rng.Next(8, 17), rng.Next(0, 60))
            : new DateTime(2024, 12, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(rng.Next(0, 150)).AddHours(rng.Next(8, 17) - 8).AddMinutes(rng.Next(0, 60));
        DateTime Next() => at = at.AddMinutes(rng.Next(5, 600));
        var inB = rng.Next(4) == 0;
        var units = inB ? new[] { U3, U0 } : new[] { U1, U2, U0 };
        var c = New(at, inB ? PathB : PathA);
        if (rng.Next(8) == 0)
        {
            c.Void(Shift, Next(), "不予立案");
            return c;
        }

        c.Register(Shift, Next());
        if (rng.Next(10) == 0)
        {
            c.Void(Shift, Next(), "作废");
            return c;
        }

        for (var turn = 0; turn < 12; turn++)
        {
            var staff = c.UnitCode is { } u ? Staff(u) : Staff(U1);
            try
            {
                switch (c.Status)
                {
                    case CaseStatus.Registered:
                        c.Dispatch(Dispatcher, Next(), units[rng.Next(units.Length)], at.AddHours(rng.Next(1, 40)));
                        break;
                    case CaseStatus.Dispatched or CaseStatus.InProgress:
                        switch (rng.Next(10))
                        {
                            case 0: c.Return(staff, Next(), "非本单位", at.AddMinutes(30)); break;
                            case 1: c.Park(Dispatcher, Next(), "挂账"); break;
                            case 2: c.AskExtension(staff, Next(), (c.StageDeadline ?? at).AddHours(8), "延期"); c.DecideExtension(Dispatcher, Next(), rng.Next(2) == 0, "审批"); break;
                            case 3: c.Supervise(Dispatcher, Next(), SupervisionLevel.Yellow); break;
                            default: c.Feedback(staff, Next(), "已处理", at.AddHours(2)); break;
                        }

                        break;
                    case CaseStatus.Parked:
                        c.Resume(Dispatcher, Next(), at.AddHours(rng.Next(1, 20)));
                        break;
                    case CaseStatus.Handled:
                        c.Verify(Grid, Next(), rng.Next(4) != 0, "核查", at.AddHours(3));
                        break;
                    case CaseStatus.Verified:
                        c.Close(Shift, Next(), rng.Next(6) == 0 ? CaseOutcome.NotFixed : CaseOutcome.Fixed, "结案");
                        break;
                    case CaseStatus.Closed:
                        if (rng.Next(3) == 0)
                        {
                            return c;
                        }

                        c.Rate(Resident, Next(), (Rating)rng.Next(3), rng.Next(2) == 0, at.AddHours(8), "评价");
                        break;
                }
            }
            catch (CaseRuleException)
            {
                // A refused turn (e.g. supervision already at that level) leaves the case as it was.
            }

            if (rng.Next(15) == 0)
            {
                return c;
            }
        }

        return c;
    }

    [Fact]
    public async Task RollupPlusTail_EqualsDirectComputation_AtEveryFoldPoint_ForEveryNodeKind()
    {
        var rng = new Random(20250301);
        var folder = app.Services.GetRequiredService<KpiFolder>();
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);
        KpiSelection[] selections =
        [
            new(KpiDim.All, "", PathA),
            new(KpiDim.All, "", "320200000000/320213000000/320213001000/"),
            new(KpiDim.All, "", DistrictAPath),
            new(KpiDim.All, "", "320200000000/"),
            new(KpiDim.Unit, U1, null),
            new(KpiDim.Unit, U2, null),
            new(KpiDim.Unit, U0, null),
            new(KpiDim.Person, "zx.dispatch", null),
            new(KpiDim.Person, "zx.shift", null),
            new(KpiDim.Person, "staff." + U1, null),
        ];
        var nonEmpty = 0;
        for (var round = 0; round < 4; round++)
        {
            await AddCasesAsync(rng, 40);

            // Fold part of what is there (batches of 37 step rows), so that rollup and tail both carry facts.
            for (var i = 0; i < round; i++)
            {
                await folder.FoldAsync(Ct);
            }

            await CompareAsync(null, calendar, selections, () => nonEmpty++);
        }

        await folder.CatchUpAsync(Ct);
        await CompareAsync(null, calendar, selections, () => nonEmpty++);
        var rebuilt = await folder.RebuildAsync(Ct);
        Assert.True(rebuilt.Rows > 0);
        await CompareAsync(null, calendar, selections, () => nonEmpty++);
        Assert.True(nonEmpty > 250, "the random cases should give most selections something to count");
    }

    [Fact]
    public async Task ACallerWhoSeesPartOfANode_GetsOnlyTheirPart_FromRollupAndTail_AndThroughTheApi()
    {
        var rng = new Random(20250302);
        var folder = app.Services.GetRequiredService<KpiFolder>();
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);
        const string DistrictBPath = "320200000000/320214000000/";
        KpiSelection[] inA = [new(KpiDim.Unit, U0, null), new(KpiDim.Unit, U1, null), new(KpiDim.Person, "zx.dispatch", null), new(KpiDim.All, "", DistrictAPath), new(KpiDim.All, "", PathA)];
        KpiSelection[] inB = [new(KpiDim.Unit, U0, null), new(KpiDim.Unit, U3, null), new(KpiDim.Person, "zx.dispatch", null)];
        var nonEmpty = 0;
        for (var round = 0; round < 3; round++)
        {
            await AddCasesAsync(rng, 40);
            await folder.FoldAsync(Ct);
            await CompareAsync(DistrictAPath, calendar, inA, () => nonEmpty++);
            await CompareAsync(DistrictBPath, calendar, inB, () => nonEmpty++);
            await CompareAsync(PathB, calendar, inB, () => nonEmpty++);
        }

        Assert.True(nonEmpty > 100, "the random cases should give most selections something to count");

        // The city-wide unit's work splits between the two districts: each district sees its part, the two parts make the whole.
        var (from, to) = (new DateOnly(2024, 12, 1), new DateOnly(2025, 4, 30));
        var whole = await TotalsAsync(null, calendar, new(KpiDim.Unit, U0, null), from, to);
        var partA = await TotalsAsync(DistrictAPath, calendar, new(KpiDim.Unit, U0, null), from, to);
        var partB = await TotalsAsync(DistrictBPath, calendar, new(KpiDim.Unit, U0, null), from, to);
        Assert.True(partA[KpiCounter.Dispatched] > 0 && partB[KpiCounter.Dispatched] > 0);
        Assert.Equal(whole.Counts, partA.Counts.Zip(partB.Counts, (a, b) => a + b));

        // Through the API, as the leader of district A: before and after folding the rest.
        foreach (var fold in new[] { false, true })
        {
            if (fold)
            {
                await folder.CatchUpAsync(Ct);
            }

            using var leader = await app.ClientAsync("a.leader");
            var body = await leader.GetStringAsync($"/api/kpis?node=unit:{U0}&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}", Ct);
            var counts = JsonDocument.Parse(body).RootElement.GetProperty("counts");
            var expected = await DirectAsync(DistrictAPath, calendar, new(KpiDim.Unit, U0, null), from, to);
            foreach (var (key, value) in KpiEndpoints.Counts(expected))
            {
                Assert.Equal(value, counts.GetProperty(key).GetInt64());
            }
        }

        // Rankings read the rollup at the caller's level: district A alone for its leader, with district A's numbers.
        using var a = await app.ClientAsync("a.leader");
        var ranking = JsonDocument.Parse(await a.GetStringAsync($"/api/kpis/ranking?level=district&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}", Ct)).RootElement;
        var district = Assert.Single(ranking.GetProperty("items").EnumerateArray());
        Assert.Equal(DistrictA, district.GetProperty("code").GetString());
        var direct = await DirectAsync(null, calendar, new(KpiDim.All, "", DistrictAPath), from, to);
        Assert.Equal(direct[KpiCounter.Due], district.GetProperty("counts").GetProperty("due").GetInt64());
        var units = JsonDocument.Parse(await a.GetStringAsync($"/api/kpis/ranking?level=unit&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}", Ct)).RootElement.GetProperty("items");
        var u0 = units.EnumerateArray().Single(i => i.GetProperty("code").GetString() == U0);
        Assert.Equal(partA[KpiCounter.Dispatched], u0.GetProperty("counts").GetProperty("dispatched").GetInt64());
        Assert.DoesNotContain(units.EnumerateArray(), i => i.GetProperty("code").GetString() == U3);
    }

    private async Task AddCasesAsync(Random rng, int count)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.AddRange(Enumerable.Range(0, count).Select(_ => RandomCase(rng)));
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>A database context as a request of a caller scoped to that region path sees it (null: unrestricted).</summary>
    private ScopedDb Db(string? scopePath) => new(app.Services.CreateAsyncScope(), scopePath);

    private async Task<KpiTotals> TotalsAsync(string? scopePath, WorkingCalendar calendar, KpiSelection selection, DateOnly from, DateOnly to)
    {
        await using var scoped = Db(scopePath);
        return (await KpiQuery.TotalsAsync(scoped.Context, calendar, selection, from, to, Ct)).Totals;
    }

    private async Task<KpiTotals> DirectAsync(string? scopePath, WorkingCalendar calendar, KpiSelection selection, DateOnly from, DateOnly to)
    {
        await using var scoped = Db(scopePath);
        return await KpiQuery.DirectAsync(scoped.Context, calendar, selection, from, to, Ct);
    }

    private async Task CompareAsync(string? scopePath, WorkingCalendar calendar, KpiSelection[] selections, Action counted)
    {
        await using var scoped = Db(scopePath);
        var db = scoped.Context;
        foreach (var selection in selections)
        {
            foreach (var (from, to) in Periods)
            {
                var direct = await KpiQuery.DirectAsync(db, calendar, selection, from, to, Ct);
                var (viaRollup, _) = await KpiQuery.TotalsAsync(db, calendar, selection, from, to, Ct);
                Assert.True(direct.Counts.SequenceEqual(viaRollup.Counts), $"{selection} {from}..{to} in {scopePath ?? "everything"}: [{string.Join(", ", direct.Counts)}] ≠ [{string.Join(", ", viaRollup.Counts)}]");
                Assert.Equal(direct.Bins.Where(b => b.Value != 0).OrderBy(b => b.Key), viaRollup.Bins.Where(b => b.Value != 0).OrderBy(b => b.Key));
                Assert.All(direct.Counts, c => Assert.True(c >= 0));
                Assert.True(direct[KpiCounter.Closed] <= direct[KpiCounter.Due] && direct[KpiCounter.Returned] <= direct[KpiCounter.Dispatched]
                    && direct[KpiCounter.VoidedAfterRegister] <= direct[KpiCounter.Registered] && direct[KpiCounter.Reopened] <= direct[KpiCounter.Closed]);
                if (!direct.IsEmpty)
                {
                    counted();
                }
            }
        }
    }

    /// <summary>A context of the app's options (which need their service scope alive) with a data scope of its own.</summary>
    private sealed class ScopedDb(AsyncServiceScope services, string? scopePath) : IAsyncDisposable
    {
        public AppDbContext Context { get; } = new(services.ServiceProvider.GetRequiredService<DbContextOptions<AppDbContext>>(), scopePath is null ? null : new RegionOnly(scopePath));

        public async ValueTask DisposeAsync()
        {
            await Context.DisposeAsync();
            await services.DisposeAsync();
        }
    }

    /// <summary>The data scope of a caller limited to one region subtree.</summary>
    private sealed record RegionOnly(string RegionPath) : IDataScope
    {
        string? IDataScope.RegionPath => RegionPath;
    }
}
