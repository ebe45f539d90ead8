using System.Diagnostics;
using System.Threading.Channels;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Kpis;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Grassroots.Web.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Demo;

public sealed class DemoOptions
{
    /// <summary>What a new embedded database is seeded with; PostgreSQL is seeded only when this is set.</summary>
    public DemoScale? Scale { get; set; }

    public int Seed { get; set; } = 2026;

    /// <summary>Whether the demo seed includes this year's cases.</summary>
    public bool Cases { get; set; } = true;

    /// <summary>Cases a day; unset, <see cref="DemoCaseGenerator.CasesPerGridPerDay"/> times the grids (about 500 at <c>city</c>).</summary>
    public double? CasesPerDay { get; set; }
}

/// <summary>What the demo seed of cases stored.</summary>
public sealed record DemoCasesSeeded(long Cases, long Steps, DateTime From, DateTime Until, string Digest);

/// <summary>Generates the demo city and stores it in one transaction; then this year's cases, in bulk.</summary>
public sealed class DemoSeeder(
    AppDbContext db, AuditTrail audit, CreateAccount createAccount, CalendarCache calendars, TimeProvider clock,
    IOptions<TrafficLightOptions> lights, IOptions<SupervisionOptions> supervision, IOptions<RatingOptions> rating,
    IOptions<PrivacyOptions> privacy, TrackingCodes trackingCodes, ILogger<DemoSeeder> logger)
{
    /// <summary>
    /// How many cases go to the database in one transaction (SQLite) or one COPY (PostgreSQL). Fewer than the days the
    /// generator may run ahead (<see cref="DaysAhead"/>) hold, so that it never waits for a batch's write to finish.
    /// </summary>
    private const int CasesPerBatch = 4_000;

    /// <summary>How many generated days may wait for the writer.</summary>
    private const int DaysAhead = 16;

    public async Task<DemoCity> SeedAsync(DemoScale scale, int seed, CancellationToken cancellationToken = default)
    {
        if (await db.Regions.AnyAsync(cancellationToken))
        {
            throw new InvalidOperationException("The database already holds regions; the demo city is seeded only into an empty registry.");
        }

        var clock = Stopwatch.StartNew();
        logger.LogInformation("Generating the demo city at scale {Scale} with seed {Seed}", scale, seed);
        var city = DemoCityGenerator.Generate(seed, scale, new Progress<string>(d => logger.LogInformation("  drawing {District}", d)));
        logger.LogInformation(
            "Generated {Regions} regions, {Grids} grids, {Compounds} compounds, {Orgs} organisations, {People} people in {Elapsed:F1} s",
            city.Regions.Count, city.Grids.Count, city.Compounds.Count, city.Orgs.Count, city.People.Count, clock.Elapsed.TotalSeconds);

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await SaveInBatches(city.Regions.OrderBy(r => r.Path.Length), "regions", cancellationToken);
        await SaveInBatches(city.Orgs.OrderBy(o => o.Path.Length), "organisations", cancellationToken);
        await SaveInBatches(city.Grids, "grids", cancellationToken);
        await SaveInBatches(city.Compounds, "compounds", cancellationToken);
        await SaveInBatches(city.People, "people", cancellationToken);
        await SaveInBatches(DemoUnits.For(city.Regions), "handling units", cancellationToken);
        var counts = new { scale = scale.ToString(), seed, regions = city.Regions.Count, grids = city.Grids.Count, compounds = city.Compounds.Count, orgs = city.Orgs.Count, people = city.People.Count };
        audit.Record("registry.demo-seed", "registry", counts, $"demo city {scale}, seed {seed}: {counts.regions} regions, {counts.grids} grids, {counts.compounds} compounds, {counts.orgs} organisations, {counts.people} people");
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        foreach (var account in DemoAccounts.For(city))
        {
            var (created, problems) = await createAccount.RunAsync(account, cancellationToken);
            if (created is null)
            {
                throw new InvalidOperationException($"The demo account {account.Username} was refused: {string.Join("; ", problems.Select(p => p.Message))}");
            }
        }

        await tx.CommitAsync(cancellationToken);
        logger.LogInformation("Demo city stored in {Elapsed:F1} s", clock.Elapsed.TotalSeconds);
        return city;
    }

    /// <summary>
    /// This year's cases of a city just seeded, up to now: generated a day at a time on one thread while the
    /// other writes them in bulk, so memory holds a few days, never the year. One audit entry records the counts
    /// and the digest of every row.
    /// </summary>
    public async Task<DemoCasesSeeded> SeedCasesAsync(DemoCity city, DemoScale scale, int seed, double? casesPerDay = null, CancellationToken cancellationToken = default)
    {
        if (await db.Set<Case>().IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            throw new InvalidOperationException("The database already holds cases; the demo cases are seeded only into an empty case table.");
        }

        // Rollup rows without a case to count are stale; the seed writes the rollup of its cases.
        await db.Set<KpiRollup>().IgnoreQueryFilters().ExecuteDeleteAsync(cancellationToken);

        var elapsed = Stopwatch.StartNew();
        calendars.Invalidate();
        var calendar = await calendars.GetAsync(cancellationToken);
        var deadlines = await LoadDictionary.DeadlinesAsync(db, cancellationToken);
        var categories = await db.Categories.AsNoTracking().Where(c => c.ParentCode != null && c.Active).ToListAsync(cancellationToken);
        var units = (await db.Units.IgnoreQueryFilters().AsNoTracking().Where(u => u.Active).Select(u => u.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var places = Places(city);
        var now = clock.GetUtcNow().UtcDateTime;
        var rate = casesPerDay ?? places.Count * DemoCaseGenerator.CasesPerGridPerDay;
        // The cases' tracking codes are enciphered under this database's key, made here if the database has none yet.
        await trackingCodes.LoadAsync(db, cancellationToken);
        var generator = new DemoCaseGenerator(
            places, categories, deadlines, calendar, units, Staff(city), trackingCodes.Cipher,
            new DemoCaseSettings(seed, rate, now, lights.Value.YellowShare, supervision.Value, rating.Value.ReopenWindowDays, privacy.Value.ContactRetentionDays));
        var from = DemoCaseGenerator.YearStart(now);
        logger.LogInformation("Generating this year's cases: {Rate:F0} a day over {Grids} grids, from {From:yyyy-MM-dd} to now", rate, places.Count, from + WorkingCalendar.ChinaOffset);

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var store = DemoCaseStore.For(db.Database.GetDbConnection());
            var (maxCase, maxStep) = await store.MaxIdsAsync(cancellationToken);
            using var digest = new DemoCaseDigest();
            // The rollup of the year goes in with it (KpiStream): the rows of each finished day and month travel with the
            // next day's cases, so a first start leaves the KPI fold nothing to catch up on.
            var kpis = new KpiStream(calendar);
            var days = Channel.CreateBounded<(List<Case> Cases, List<KpiRollup> Rows)>(new BoundedChannelOptions(DaysAhead) { SingleReader = true, SingleWriter = true });
            var producer = Task.Run(
                async () =>
                {
                    try
                    {
                        foreach (var day in generator.Days(maxCase + 1, maxStep + 1))
                        {
                            var rows = day.Count > 0 ? kpis.TakeBefore(KpiReplay.DayOf(day[0].ReportedAt)) : [];
                            foreach (var c in day)
                            {
                                digest.Add(c);
                                kpis.Add(c);
                            }

                            await days.Writer.WriteAsync((day, rows), cancellationToken);
                        }

                        await days.Writer.WriteAsync(([], kpis.TakeAll()), cancellationToken);
                        days.Writer.Complete();
                    }
                    catch (Exception e)
                    {
                        days.Writer.Complete(e);
                    }
                },
                cancellationToken);

            long cases = 0, steps = 0, rollupRows = 0;
            var batch = new List<Case>(CasesPerBatch + 2000);
            var rollup = new List<KpiRollup>();
            var month = 0;
            async Task WriteAsync()
            {
                (cases, steps, rollupRows) = (cases + batch.Count, steps + batch.Sum(c => c.Steps.Count), rollupRows + rollup.Count);
                var written = Stopwatch.StartNew();
                await store.WriteAsync(batch, cancellationToken);
                await store.WriteRollupAsync(rollup, cancellationToken);
                logger.LogDebug("  wrote {Count} cases and {Rows} KPI rows in {Elapsed:F2} s", batch.Count, rollup.Count, written.Elapsed.TotalSeconds);
                batch.Clear();
                rollup.Clear();
            }

            await foreach (var (day, rows) in days.Reader.ReadAllAsync(cancellationToken))
            {
                batch.AddRange(day);
                rollup.AddRange(rows);
                if (day.Count > 0 && (day[0].ReportedAt + WorkingCalendar.ChinaOffset).Month is var m && m != month)
                {
                    month = m;
                    logger.LogInformation("  cases of month {Month}: {Cases} stored so far, {Elapsed:F1} s", m, cases, elapsed.Elapsed.TotalSeconds);
                }

                if (batch.Count >= CasesPerBatch)
                {
                    await WriteAsync();
                }
            }

            await producer;
            await WriteAsync();
            var finish = Stopwatch.StartNew();
            await store.FinishAsync(cancellationToken);
            await KpiFolder.SetWatermarkAsync(db, kpis.LastStepId, now, cancellationToken);
            logger.LogDebug("  indexes built in {Elapsed:F2} s", finish.Elapsed.TotalSeconds);

            var seeded = new DemoCasesSeeded(cases, steps, from, now, digest.Hex());
            var change = new { scale = scale.ToString(), seed, casesPerDay = Math.Round(rate, 3), from = seeded.From, until = seeded.Until, cases, steps, digest = seeded.Digest };
            audit.Record("cases.demo-seed", "cases", change, $"demo cases {scale}, seed {seed}: {cases} cases, {steps} steps from {seeded.From:O} to {seeded.Until:O}, rows {seeded.Digest}");
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Stored {Cases} cases, {Steps} steps and {Rows} KPI rollup rows in {Elapsed:F1} s", cases, steps, rollupRows, elapsed.Elapsed.TotalSeconds);
            return seeded;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The current grids of the city with what intake derives from their place.</summary>
    public static List<DemoCasePlace> Places(DemoCity city)
    {
        var regions = city.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        return
        [
            .. city.Grids.Where(g => g.ValidTo is null).OrderBy(g => g.Code, StringComparer.Ordinal).Select(g =>
            {
                var community = regions[g.CommunityCode];
                var street = regions[community.ParentCode!];
                return new DemoCasePlace(g.Code, g.Name, g.Kind, g.RegionPath, community.Kind.IsRural() ? Area.Rural : Area.Urban, street.Code, street.ParentCode!, Geo.FromWkb(g.Boundary));
            }),
        ];
    }

    /// <summary>The demo accounts where they fit: a district's centre, a unit's account, a grid's worker, the leader.</summary>
    public static DemoStaff Staff(DemoCity city)
    {
        var accounts = DemoAccounts.For(city);
        var centres = new Dictionary<string, string>(StringComparer.Ordinal);
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        var grids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in accounts)
        {
            var roles = a.Roles ?? [];
            if (roles.Contains(Roles.Dispatcher) && a.RegionCode is { } region && RegionKinds.LevelOfCode(region) == 2)
            {
                centres[region] = a.Username!;
            }

            if (a.UnitCode is { } unit)
            {
                units[unit] = a.Username!;
            }

            if (roles.Contains(Roles.GridWorker))
            {
                foreach (var grid in a.Grids ?? [])
                {
                    grids[grid] = a.Username!;
                }
            }
        }

        var leader = accounts.FirstOrDefault(a => a.Roles?.Contains(Roles.Leader) == true)?.Username ?? "leader";
        return new DemoStaff(centres, units, grids, leader);
    }

    private async Task SaveInBatches<T>(IEnumerable<T> rows, string what, CancellationToken cancellationToken)
        where T : class
    {
        var count = 0;
        foreach (var chunk in rows.Chunk(5000))
        {
            db.Set<T>().AddRange(chunk);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            count += chunk.Length;
        }

        logger.LogInformation("  stored {Count} {What}", count, what);
    }
}
