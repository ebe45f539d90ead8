using System.Data.Common;
using System.Globalization;
using Grassroots.Data;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Kpis;

public sealed class KpiOptions
{
    /// <summary>How often the folder reads new step rows into the rollup.</summary>
    public TimeSpan FoldInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most step rows folded at once (read and replayed beside the writer, which then runs only their upsert).</summary>
    public int FoldBatch { get; set; } = 20_000;

    /// <summary>Cases a rebuild reads at a time, in the order they were reported; their ids go to the steps' query as one parameter.</summary>
    public int RebuildPage { get; set; } = 2_000;

    /// <summary>Rankings show a rate only when its denominator reaches this volume.</summary>
    public int RankingMinimumVolume { get; set; } = 30;
}

/// <summary>What a rebuild read and wrote.</summary>
public sealed record KpiRebuildResult(long Cases, long Steps, long Rows, long LastStepId, TimeSpan Took);

/// <summary>The cell of the rollup a fact adds to: a day or a month (its first day), a region of any level, a dimension and key.</summary>
public readonly record struct KpiCell(DateOnly Day, KpiGrain Grain, string RegionPath, KpiDim Dim, string Key);

/// <summary>
/// Keeps the rollup (<see cref="KpiRollup"/>) in step with the step rows: <see cref="FoldAsync"/> reads the rows past the
/// watermark, replays their cases (<see cref="KpiReplay"/>) and adds the new facts to their day and month cells at every
/// level of the case's region path, moving the watermark in the same transaction (the single writer's, <see cref="WriteQueue"/>); <see cref="RebuildAsync"/> throws the rollup away and makes it again from every step row.
/// Intake writes nothing for the rollup: the folder runs on its own, in batches.
/// </summary>
public sealed class KpiFolder(
    IServiceScopeFactory scopes, CalendarCache calendars, WriteQueue writes, TimeProvider clock, IOptions<KpiOptions> options, ILogger<KpiFolder> logger) : IDisposable
{
    private const int WatermarkId = 1;
    private readonly SemaphoreSlim gate = new(1, 1);

    public void Dispose() => gate.Dispose();

    /// <summary>
    /// Adds one fact into every cell it counts in: its day and its month, in each of the case's regions (its community
    /// and those above it, <see cref="KpiRollup.RegionsOf"/>, taken once a case rather than once a fact), for
    /// everything, its unit and its person. Day cells go to <paramref name="days"/>, month cells to <paramref name="months"/>
    /// (the same dictionary unless they are kept apart).
    /// </summary>
    public static void AddTo(Dictionary<KpiCell, KpiTotals> days, Dictionary<KpiCell, KpiTotals> months, string[] regions, KpiFact fact)
    {
        var month = new DateOnly(fact.Day.Year, fact.Day.Month, 1);
        foreach (var region in regions)
        {
            AddToCells(days, new KpiCell(fact.Day, KpiGrain.Day, region, KpiDim.All, ""), fact);
            AddToCells(months, new KpiCell(month, KpiGrain.Month, region, KpiDim.All, ""), fact);
        }
    }

    private static void AddToCells(Dictionary<KpiCell, KpiTotals> cells, KpiCell all, KpiFact fact)
    {
        Cell(cells, all).Add(fact);
        if (!string.IsNullOrEmpty(fact.Unit))
        {
            Cell(cells, all with { Dim = KpiDim.Unit, Key = fact.Unit }).Add(fact);
        }

        if (!string.IsNullOrEmpty(fact.Person))
        {
            Cell(cells, all with { Dim = KpiDim.Person, Key = fact.Person }).Add(fact);
        }
    }

    private static KpiTotals Cell(Dictionary<KpiCell, KpiTotals> cells, KpiCell key)
    {
        if (!cells.TryGetValue(key, out var totals))
        {
            cells[key] = totals = new KpiTotals();
        }

        return totals;
    }

    public static async Task<long> WatermarkAsync(AppDbContext db, CancellationToken ct) =>
        await db.Set<KpiWatermark>().AsNoTracking().Where(w => w.Id == WatermarkId).Select(w => w.LastStepId).FirstOrDefaultAsync(ct);

    /// <summary>Folds every step row written so far, batch after batch; answers how many were folded.</summary>
    public async Task<long> CatchUpAsync(CancellationToken ct = default)
    {
        long total = 0;
        while (await FoldAsync(ct) is var n && n > 0)
        {
            total += n;
        }

        return total;
    }

    /// <summary>Folds at most one batch of step rows past the watermark; answers how many were folded (0: caught up).</summary>
    public async Task<int> FoldAsync(CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            return await FoldBatchAsync(ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<int> FoldBatchAsync(CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var from = await WatermarkAsync(db, ct);
        var batch = await db.Set<CaseStep>().AsNoTracking().Where(s => s.Id > from).OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.CaseId }).Take(options.Value.FoldBatch).ToListAsync(ct);
        if (batch.Count == 0)
        {
            return 0;
        }

        var to = batch[^1].Id;
        var caseIds = batch.Select(s => s.CaseId).Distinct().ToList();
        var cells = new Dictionary<KpiCell, KpiTotals>();
        foreach (var chunk in caseIds.Chunk(2_000))
        {
            // Thousands of ids as one JSON parameter (EF.Parameter), not one parameter each: SQLite looks every parameter's
            // name up among those before it, when it parses the statement and again when each is bound.
            var paths = await db.Set<Case>().IgnoreQueryFilters().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.Id)).Select(c => new { c.Id, c.RegionPath }).ToDictionaryAsync(c => c.Id, c => c.RegionPath, ct);
            var steps = await db.Set<CaseStep>().AsNoTracking().Where(s => EF.Parameter(chunk).Contains(s.CaseId) && s.Id <= to).ToListAsync(ct);
            foreach (var group in steps.GroupBy(s => s.CaseId))
            {
                var regions = KpiRollup.RegionsOf(paths[group.Key]).ToArray();
                KpiReplay.Replay(group, calendar, fact =>
                {
                    if (fact.StepId > from)
                    {
                        AddTo(cells, cells, regions, fact);
                    }
                });
            }
        }

        // The rows are written by the single writer, in its transaction beside intake's: a fold of its own would hold
        // the database's write lock while intake waited for it.
        return await writes.WriteAsync(
            async (w, token) =>
            {
                if (await WatermarkAsync(w, token) != from)
                {
                    // Another server folded these rows meanwhile.
                    return 0;
                }

                await UpsertAsync(w, cells, token);
                await SetWatermarkAsync(w, to, clock.GetUtcNow().UtcDateTime, token);
                await w.SaveChangesAsync(token);
                return batch.Count;
            },
            ct);
    }

    /// <summary>
    /// Adds the cells into their rows, creating the missing ones. The rows are looked up a level, grain and day at a time
    /// on (Dim, Level, Grain, Day, RegionPath), so a fold reads the rows it adds to, not the table; they are written
    /// through <see cref="KpiRowWriter"/>.
    /// </summary>
    private static async Task UpsertAsync(AppDbContext db, Dictionary<KpiCell, KpiTotals> cells, CancellationToken ct)
    {
        using var writer = new KpiRowWriter(db);
        var groups = cells.Where(c => !c.Value.IsEmpty).GroupBy(c => (Level: KpiRollup.LevelOf(c.Key.RegionPath), c.Key.Grain, c.Key.Day));
        foreach (var group in groups)
        {
            var (level, grain, day) = group.Key;
            foreach (var part in group.Chunk(2_000))
            {
                var dims = part.Select(c => c.Key.Dim).Distinct().ToList();
                var paths = part.Select(c => c.Key.RegionPath).Distinct().ToList();
                var existing = (await db.Set<KpiRollup>().IgnoreQueryFilters().AsNoTracking()
                    .Where(r => dims.Contains(r.Dim) && r.Level == level && r.Grain == grain && r.Day == day && EF.Parameter(paths).Contains(r.RegionPath))
                    .ToListAsync(ct))
                    .ToDictionary(r => new KpiCell(r.Day, r.Grain, r.RegionPath, r.Dim, r.Key));
                foreach (var (cell, totals) in part)
                {
                    if (existing.TryGetValue(cell, out var row))
                    {
                        row.Add(totals);
                        await writer.UpdateAsync(row, ct);
                    }
                    else
                    {
                        await writer.InsertAsync(NewRow(cell, totals), ct);
                    }
                }
            }
        }
    }

    /// <summary>A new rollup row for a cell, holding its totals.</summary>
    internal static KpiRollup NewRow(KpiCell cell, KpiTotals totals)
    {
        var row = new KpiRollup { Day = cell.Day, Grain = cell.Grain, RegionPath = cell.RegionPath, Level = KpiRollup.LevelOf(cell.RegionPath), Dim = cell.Dim, Key = cell.Key };
        row.Add(totals);
        return row;
    }

    /// <summary>Moves the watermark (saved with the context's next save): the rollup holds every step through <paramref name="to"/>.</summary>
    internal static async Task SetWatermarkAsync(AppDbContext db, long to, DateTime now, CancellationToken ct)
    {
        var mark = await db.Set<KpiWatermark>().FirstOrDefaultAsync(w => w.Id == WatermarkId, ct);
        if (mark is null)
        {
            db.Add(mark = new KpiWatermark { Id = WatermarkId });
        }

        (mark.LastStepId, mark.UpdatedAt) = (to, now);
    }

    /// <summary>
    /// Throws the rollup away and makes it again from every step row, case by case: for a new installation, after
    /// the demo generator wrote its cases, or after a change of the KPI rules. The old rows are deleted and the new ones
    /// written in one transaction, so a KPI query sees the old rollup or the new one, never half of it. The cases are read
    /// in the order they were reported and each day's rows written once final (<see cref="KpiStream"/>), so memory holds
    /// the days still open rather than every cell of the years; the transaction holds the database's writes for the whole
    /// rebuild (on SQLite, intake waits for it), so run it in a quiet hour.
    /// </summary>
    public async Task<KpiRebuildResult> RebuildAsync(CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            return await RebuildLockedAsync(ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<KpiRebuildResult> RebuildLockedAsync(CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        calendars.Invalidate();
        var calendar = await calendars.GetAsync(ct);
        long caseCount = 0, stepCount = 0, rows = 0;
        await using var readScope = scopes.CreateAsyncScope();
        var read = readScope.ServiceProvider.GetRequiredService<AppDbContext>();
        read.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        var to = await read.Set<CaseStep>().MaxAsync(s => (long?)s.Id, ct) ?? 0;

        await using var writeScope = scopes.CreateAsyncScope();
        var db = writeScope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<KpiRollup>().IgnoreQueryFilters().ExecuteDeleteAsync(ct);
        using (var writer = new KpiRowWriter(db))
        {
            // The cases in the order they were reported, a page at a time: once a page is replayed, the rows of the days
            // before its last report are final and written (KpiStream), so memory holds the days still open, not the years.
            var stream = new KpiStream(calendar);
            var (afterAt, afterId) = (DateTime.MinValue, 0L);
            while (true)
            {
                var page = await read.Set<Case>().IgnoreQueryFilters()
                    .Where(c => c.ReportedAt >= afterAt && (c.ReportedAt > afterAt || c.Id > afterId))
                    .OrderBy(c => c.ReportedAt).ThenBy(c => c.Id).Take(options.Value.RebuildPage)
                    .Select(c => new { c.Id, c.RegionPath, c.ReportedAt }).ToListAsync(ct);
                if (page.Count == 0)
                {
                    break;
                }

                var ids = page.Select(c => c.Id).ToList();
                var steps = (await read.Set<CaseStep>().Where(s => EF.Parameter(ids).Contains(s.CaseId) && s.Id <= to).ToListAsync(ct))
                    .ToLookup(s => s.CaseId);
                foreach (var c in page)
                {
                    var own = steps[c.Id].ToList();
                    stream.Add(c.Id, c.RegionPath, own);
                    stepCount += own.Count;
                }

                caseCount += page.Count;
                (afterAt, afterId) = (page[^1].ReportedAt, page[^1].Id);
                rows += await WriteAsync(writer, stream.TakeBefore(KpiReplay.DayOf(afterAt)), ct);
            }

            rows += await WriteAsync(writer, stream.TakeAll(), ct);
        }

        await SetWatermarkAsync(db, to, clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        var took = clock.GetElapsedTime(started);
        logger.LogInformation("Rebuilt the KPI rollup from {Steps} steps of {Cases} cases: {Rows} rows in {Took}", stepCount, caseCount, rows, took);
        return new(caseCount, stepCount, rows, to, took);
    }

    private static async Task<long> WriteAsync(KpiRowWriter writer, List<KpiRollup> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            await writer.InsertAsync(row, ct);
        }

        return rows.Count;
    }
}

/// <summary>Runs <see cref="KpiFolder.CatchUpAsync"/> on its interval.</summary>
public sealed class KpiFoldService(KpiFolder folder, TimeProvider clock, IOptions<KpiOptions> options, ILogger<KpiFoldService> logger) : BackgroundService
{
    /// <summary>Step rows folded in one catch-up beyond which the memory it took is handed back at once.</summary>
    private const long LargeCatchUp = 200_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FoldInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await folder.CatchUpAsync(stoppingToken) >= LargeCatchUp)
                {
                    // A catch-up after a long stop, or of cases written in bulk, leaves a heap sized for it: give it back.
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Folding step rows into the KPI rollup failed; it is tried again on the next tick");
            }
        }
    }
}

/// <summary>
/// Writes rollup rows with two reused commands on the context's connection, inside its current transaction: at tens of
/// thousands of rows a fold, EF's change tracking and one statement object a row cost more than the rest of the fold.
/// The SQL is the same for SQLite and PostgreSQL.
/// </summary>
internal sealed class KpiRowWriter : IDisposable
{
    private readonly DbCommand insert;
    private readonly DbCommand update;

    public KpiRowWriter(AppDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Rollup rows are written inside a transaction.");
        var counters = KpiRollup.CounterColumns;
        var numbers = counters.Select((_, i) => "c" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var columns = string.Join(", ", counters.Select(c => '"' + c + '"'));
        var values = string.Join(", ", numbers.Select(n => "@" + n));
        var sets = string.Join(", ", counters.Select((c, i) => '"' + c + "\" = @" + numbers[i]));
        insert = Command(connection, transaction,
            "INSERT INTO kpi_rollup (\"Day\", \"Grain\", \"RegionPath\", \"Level\", \"Dim\", \"Key\", " + columns + ", \"Bins\") " +
            "VALUES (@day, @grain, @path, @level, @dim, @key, " + values + ", @bins)",
            ["day", "grain", "path", "level", "dim", "key", .. numbers, "bins"]);
        update = Command(connection, transaction, "UPDATE kpi_rollup SET " + sets + ", \"Bins\" = @bins WHERE \"Id\" = @id", [.. numbers, "bins", "id"]);
    }

    public void Dispose()
    {
        insert.Dispose();
        update.Dispose();
    }

    public async Task InsertAsync(KpiRollup row, CancellationToken ct)
    {
        var p = insert.Parameters;
        p["@day"].Value = row.Day;
        p["@grain"].Value = (short)row.Grain;
        p["@path"].Value = row.RegionPath;
        p["@level"].Value = (short)row.Level;
        p["@dim"].Value = (short)row.Dim;
        p["@key"].Value = row.Key;
        SetCounts(p, row);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task UpdateAsync(KpiRollup row, CancellationToken ct)
    {
        var p = update.Parameters;
        p["@id"].Value = row.Id;
        SetCounts(p, row);
        await update.ExecuteNonQueryAsync(ct);
    }

    private static void SetCounts(DbParameterCollection p, KpiRollup row)
    {
        var values = row.CounterValues();
        for (var i = 0; i < values.Length; i++)
        {
            p["@c" + i.ToString(CultureInfo.InvariantCulture)].Value = values[i];
        }

        p["@bins"].Value = (object?)row.Bins ?? DBNull.Value;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, IEnumerable<string> names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
