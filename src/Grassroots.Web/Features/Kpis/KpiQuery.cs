using System.Data;
using System.Linq.Expressions;
using Grassroots.Data;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Kpis;

/// <summary>
/// What a KPI query adds up: rollup rows of one dimension and key (<see cref="KpiDim.All"/> with "" for a region or an
/// organisation's region) kept for one region: <paramref name="RegionPath"/>'s own rows, and the cases of its subtree
/// for the steps not folded yet; null for the caller's whole scope (the rows of the scope's own region, the cases the
/// query filters let them see), which is what a unit or a person node counts.
/// </summary>
public sealed record KpiSelection(KpiDim Dim, string Key, string? RegionPath);

/// <summary>The sums of a group of rollup rows, added up in the database.</summary>
public sealed class KpiSum
{
    public string Group { get; set; } = "";
    public long Registered { get; set; }
    public long VoidedAfterRegister { get; set; }
    public long VoidedUnregistered { get; set; }
    public long Dispatched { get; set; }
    public long DispatchedOnTime { get; set; }
    public long Returned { get; set; }
    public long Due { get; set; }
    public long Closed { get; set; }
    public long ClosedOnTime { get; set; }
    public long ClosedNotFixed { get; set; }
    public long Reworked { get; set; }
    public long Extended { get; set; }
    public long Reopened { get; set; }
    public long Parked { get; set; }
    public long RatedSatisfied { get; set; }
    public long RatedBasicallySatisfied { get; set; }
    public long RatedDissatisfied { get; set; }
    public long Handled { get; set; }
    public long HandlingUnknown { get; set; }

    public void AddTo(KpiTotals t)
    {
        long[] values = [Registered, VoidedAfterRegister, VoidedUnregistered, Dispatched, DispatchedOnTime, Returned, Due, Closed, ClosedOnTime,
            ClosedNotFixed, Reworked, Extended, Reopened, Parked, RatedSatisfied, RatedBasicallySatisfied, RatedDissatisfied, Handled, HandlingUnknown];
        for (var i = 0; i < values.Length; i++)
        {
            t.Add((KpiCounter)i, values[i]);
        }
    }

    public static IQueryable<KpiSum> Of(IQueryable<KpiRollup> rows, Expression<Func<KpiRollup, string>> group) =>
        rows.GroupBy(group).Select(g => new KpiSum
        {
            Group = g.Key,
            Registered = g.Sum(r => (long)r.Registered),
            VoidedAfterRegister = g.Sum(r => (long)r.VoidedAfterRegister),
            VoidedUnregistered = g.Sum(r => (long)r.VoidedUnregistered),
            Dispatched = g.Sum(r => (long)r.Dispatched),
            DispatchedOnTime = g.Sum(r => (long)r.DispatchedOnTime),
            Returned = g.Sum(r => (long)r.Returned),
            Due = g.Sum(r => (long)r.Due),
            Closed = g.Sum(r => (long)r.Closed),
            ClosedOnTime = g.Sum(r => (long)r.ClosedOnTime),
            ClosedNotFixed = g.Sum(r => (long)r.ClosedNotFixed),
            Reworked = g.Sum(r => (long)r.Reworked),
            Extended = g.Sum(r => (long)r.Extended),
            Reopened = g.Sum(r => (long)r.Reopened),
            Parked = g.Sum(r => (long)r.Parked),
            RatedSatisfied = g.Sum(r => (long)r.RatedSatisfied),
            RatedBasicallySatisfied = g.Sum(r => (long)r.RatedBasicallySatisfied),
            RatedDissatisfied = g.Sum(r => (long)r.RatedDissatisfied),
            Handled = g.Sum(r => (long)r.Handled),
            HandlingUnknown = g.Sum(r => (long)r.HandlingUnknown),
        });
}

/// <summary>
/// The counts of a node over a period: the rollup rows of the period plus the facts of the step rows the folder has not
/// read yet, read in one snapshot so that no step is counted twice or missed. The database context's query filters
/// keep both parts inside the caller's scope.
/// </summary>
public static class KpiQuery
{
    public static async Task<(KpiTotals Totals, long Watermark)> TotalsAsync(AppDbContext db, WorkingCalendar calendar, KpiSelection selection, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var tx = await BeginSnapshotAsync(db, ct);
        var watermark = await KpiFolder.WatermarkAsync(db, ct);
        var totals = new KpiTotals();

        // At most 12 month rows a year and the days at the two ragged ends (KpiRollup.InPeriod): added up here.
        foreach (var row in await Rows(db, selection, from, to).ToListAsync(ct))
        {
            row.AddTo(totals);
        }

        await AddTailAsync(db, calendar, selection, from, to, watermark, totals, ct);
        await tx.CommitAsync(ct);
        return (totals, watermark);
    }

    /// <summary>
    /// The rollup rows of a selection over a period: the region's own rows, or (no region) the rows at the level of the
    /// caller's scope, of which the query filter leaves the scope's own (every top-level region's without a scope).
    /// </summary>
    public static IQueryable<KpiRollup> Rows(AppDbContext db, KpiSelection selection, DateOnly from, DateOnly to)
    {
        var rows = db.Set<KpiRollup>().AsNoTracking().Where(r => r.Dim == selection.Dim && r.Key == selection.Key);
        if (selection.RegionPath is { } path)
        {
            var level = KpiRollup.LevelOf(path);
            rows = rows.Where(r => r.Level == level && r.RegionPath == path);
        }
        else
        {
            var level = ScopeLevel(db);
            rows = rows.Where(r => r.Level == level);
        }

        return rows.Where(KpiRollup.InPeriod(from, to));
    }

    /// <summary>The level of the caller's scope region (1, every top-level region, without a scope).</summary>
    public static byte ScopeLevel(AppDbContext db) => db.ScopePath is { } scope ? KpiRollup.LevelOf(scope) : (byte)1;

    /// <summary>The facts of the step rows past the watermark (and of the steps before them in the same cases, for context).</summary>
    private static async Task AddTailAsync(AppDbContext db, WorkingCalendar calendar, KpiSelection selection, DateOnly from, DateOnly to, long watermark, KpiTotals totals, CancellationToken ct)
    {
        // In step id order, so that the database seeks the primary key to the watermark and reads only the tail: asked
        // for DISTINCT case ids, SQLite walks the whole (CaseId, Seq) index instead, every step row of the table.
        var caseIds = (await db.Set<CaseStep>().AsNoTracking().Where(s => s.Id > watermark).OrderBy(s => s.Id).Select(s => s.CaseId).ToListAsync(ct))
            .Distinct().ToList();
        foreach (var chunk in caseIds.Chunk(2_000))
        {
            // Thousands of ids as one JSON parameter (EF.Parameter), not one parameter each: SQLite looks every parameter's
            // name up among those before it, when it parses the statement and again when each is bound.
            var cases = db.Set<Case>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.Id));
            if (selection.RegionPath is { Length: > 0 } prefix)
            {
                cases = cases.Where(c => c.RegionPath.StartsWith(prefix));
            }

            var paths = await cases.Select(c => new { c.Id, c.RegionPath }).ToDictionaryAsync(c => c.Id, c => c.RegionPath, ct);
            var ids = paths.Keys.ToList();
            var steps = await db.Set<CaseStep>().AsNoTracking().Where(s => EF.Parameter(ids).Contains(s.CaseId)).ToListAsync(ct);
            foreach (var group in steps.GroupBy(s => s.CaseId))
            {
                KpiReplay.Replay(group, calendar, fact =>
                {
                    if (fact.StepId > watermark && fact.Day >= from && fact.Day <= to && Matches(selection, fact))
                    {
                        totals.Add(fact);
                    }
                });
            }
        }
    }

    public static bool Matches(KpiSelection selection, KpiFact fact) => selection.Dim switch
    {
        KpiDim.Unit => fact.Unit == selection.Key,
        KpiDim.Person => fact.Person == selection.Key,
        _ => true,
    };

    /// <summary>A read transaction that sees one snapshot and takes no write lock (SQLite: BEGIN DEFERRED in WAL mode).</summary>
    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginSnapshotAsync(AppDbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            var transaction = connection.BeginTransaction(deferred: true);
            return await db.Database.UseTransactionAsync(transaction, ct) ?? throw new InvalidOperationException("No transaction.");
        }

        return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
    }

    /// <summary>The counts computed straight from the step rows of the cases (no rollup): what the rollup must equal.</summary>
    public static async Task<KpiTotals> DirectAsync(AppDbContext db, WorkingCalendar calendar, KpiSelection selection, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var totals = new KpiTotals();
        var cases = db.Set<Case>().AsNoTracking().Include(c => c.Steps).AsQueryable();
        if (selection.RegionPath is { Length: > 0 } prefix)
        {
            cases = cases.Where(c => c.RegionPath.StartsWith(prefix));
        }

        foreach (var c in await cases.ToListAsync(ct))
        {
            KpiReplay.Replay(c.Steps, calendar, fact =>
            {
                if (fact.Day >= from && fact.Day <= to && Matches(selection, fact))
                {
                    totals.Add(fact);
                }
            });
        }

        return totals;
    }
}
