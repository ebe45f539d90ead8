using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Kpis;
using Microsoft.Extensions.DependencyInjection;
using static Grassroots.IntegrationTests.Features.Kpis.KpiTree;

namespace Grassroots.IntegrationTests.Features.Kpis;

/// <summary>
/// Random cases walked through random workflow paths, written in several rounds with partial folds in between: at every
/// point, rollup plus raw tail must equal the direct computation over every step row, for every node kind and several
/// periods, and so must a rebuild.
/// </summary>
public sealed class KpiRollupPropertyTests : IAsyncLifetime
{
    private readonly GrassrootsApp app = new("None", new Dictionary<string, string> { ["Kpis:FoldInterval"] = "01:00:00", ["Kpis:FoldBatch"] = "37" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        await SeedAsync(app);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>One case that starts on a random working-ish instant of March 2025 and takes random turns until it ends or stops.</summary>
    private static Case RandomCase(Random rng)
    {
        var at = T(rng.Next(3, 29), rng.Next(8, 17), rng.Next(0, 60));
        DateTime Next() => at = at.AddMinutes(rng.Next(5, 600));
        var inB = rng.Next(4) == 0;
        var units = inB ? new[] { U3 } : new[] { U1, U2 };
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
            new(KpiDim.All, "", [PathA], PathA),
            new(KpiDim.All, "", [PathA, PathB], "320200000000/"),
            new(KpiDim.Unit, U1, null, null),
            new(KpiDim.Unit, U2, null, null),
            new(KpiDim.Person, "zx.dispatch", null, null),
            new(KpiDim.Person, "zx.shift", null, null),
            new(KpiDim.Person, "staff." + U1, null, null),
        ];
        (DateOnly, DateOnly)[] periods = [(new(2025, 3, 1), new(2025, 3, 31)), (new(2025, 3, 10), new(2025, 3, 14)), (new(2025, 3, 12), new(2025, 3, 12)), (new(2025, 1, 1), new(2025, 12, 31))];
        var nonEmpty = 0;
        for (var round = 0; round < 4; round++)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                db.AddRange(Enumerable.Range(0, 40).Select(_ => RandomCase(rng)));
                await db.SaveChangesAsync(Ct);
            }

            // Fold part of what is there (batches of 37 step rows), so that rollup and tail both carry facts.
            for (var i = 0; i < round; i++)
            {
                await folder.FoldAsync(Ct);
            }

            await CompareAsync(calendar, selections, periods, () => nonEmpty++);
        }

        await folder.CatchUpAsync(Ct);
        await CompareAsync(calendar, selections, periods, () => nonEmpty++);
        var rebuilt = await folder.RebuildAsync(Ct);
        Assert.True(rebuilt.Rows > 0);
        await CompareAsync(calendar, selections, periods, () => nonEmpty++);
        Assert.True(nonEmpty > 100, "the random cases should give most selections something to count");
    }

    private async Task CompareAsync(WorkingCalendar calendar, KpiSelection[] selections, (DateOnly From, DateOnly To)[] periods, Action counted)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        foreach (var selection in selections)
        {
            foreach (var (from, to) in periods)
            {
                var direct = await KpiQuery.DirectAsync(db, calendar, selection, from, to, Ct);
                var (viaRollup, _) = await KpiQuery.TotalsAsync(db, calendar, selection, from, to, Ct);
                Assert.Equal(direct.Counts, viaRollup.Counts);
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
}
