using System.Diagnostics;
using System.Globalization;
using Grassroots.Data;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Kpis;
using Grassroots.Web.Features.Registry;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Benchmarks;

/// <summary>
/// <c>--kpis [large | districts communities] [cases-per-year]</c> (or <c>--kpis-db FILE</c>, <see cref="MeasureExistingAsync"/>): one district's KPIs over a year, read the way
/// GET /api/kpis reads them, from a throwaway SQLite database holding a year of rollup rows for a whole city, shaped as
/// <see cref="KpiFolder"/> writes them: every community × day for everything and for three units (the street office and
/// two district departments), the same cells added up into every street, district and the city, and month rows beside
/// the day rows at every level; handling-time bins in every row, one sample per dispatch. <c>large</c> (the default)
/// takes the region tree of the <c>large</c> demo city (<see cref="DemoCityGenerator"/>, seed 2026); two numbers make
/// a synthetic tree of that many districts and communities a district, 15 communities a street. No steps past the
/// watermark: the raw tail a live server adds is the few seconds of steps since the last fold.
/// </summary>
public static class KpiLoad
{
    private const int Year = 2025;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.SkipWhile(a => a != "--kpis-db").Skip(1).FirstOrDefault() is { } existing)
        {
            return await MeasureExistingAsync(existing);
        }

        var rest = args.SkipWhile(a => a != "--kpis").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var numbers = rest.Where(a => a != "large").Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
        var synthetic = numbers.Count >= 2;
        var casesPerYear = numbers.Count is 1 or 3 ? numbers[^1] : 10_000_000;
        var watch = Stopwatch.StartNew();
        var communities = synthetic ? SyntheticTree(numbers[0], numbers[1]) : LargeTree();
        var streets = communities.Select(c => Parent(c)).Distinct().Count();
        var districts = communities.GroupBy(c => Parent(Parent(c))).ToDictionary(g => g.Key, g => g.Count());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(synthetic ? "Synthetic" : "Large demo")} tree: {districts.Count} districts, {streets:N0} streets, {communities.Count:N0} communities ({string.Join(", ", districts.Values.Order())} a district); {watch.Elapsed.TotalSeconds:F1} s"));

        var file = Path.Combine(Path.GetTempPath(), $"grassroots-kpis-{Environment.ProcessId}.db");
        try
        {
            AppDbContext.UseModelFrom(typeof(KpiRollup).Assembly);
            var options = new DbContextOptionsBuilder<AppDbContext>()
                .UseSqlite($"Data Source={file}", x => x.MigrationsAssembly("Grassroots.Migrations.Sqlite"))
                .Options;
            await using (var db = new AppDbContext(options))
            {
                await db.Database.MigrateAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }

            watch.Restart();
            var (rows, communityRows) = Fill(file, communities, casesPerYear);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Filled {rows:N0} rollup rows ({communityRows:N0} of them community × day) for {casesPerYear:N0} dispatched cases a year in {watch.Elapsed.TotalSeconds:F1} s; database {new FileInfo(file).Length / 1048576.0:F0} MiB"));

            // The largest district: the one with the most communities under it.
            var district = districts.MaxBy(d => d.Value).Key;
            Console.WriteLine($"District {district}: {districts[district]:N0} communities");
            var calendar = new WorkingCalendar([], WorkingSchedule.Default);
            await MeasureAsync(options, calendar, "whole year", new(KpiDim.All, "", district), new(Year, 1, 1), new(Year, 12, 31));
            await MeasureAsync(options, calendar, "ragged year (2 Jan – 30 Dec)", new(KpiDim.All, "", district), new(Year, 1, 2), new(Year, 12, 30));
            await MeasureAsync(options, calendar, "whole city, ragged year", new(KpiDim.All, "", Parent(district)), new(Year, 1, 2), new(Year, 12, 30));
            var unit = UnitsOf(communities.First(c => c.StartsWith(district, StringComparison.Ordinal)))[1];
            await MeasureAsync(options, calendar, $"unit {unit}, unrestricted caller, ragged year", new(KpiDim.Unit, unit, null), new(Year, 1, 2), new(Year, 12, 30));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    /// <summary>
    /// <c>--kpis-db FILE</c>: the same reads on an existing SQLite database whose rollup <c>kpis rebuild</c> (or the fold)
    /// wrote from real step rows: the district with the most due cases, the city, the busiest unit and person.
    /// </summary>
    private static async Task<int> MeasureExistingAsync(string file)
    {
        AppDbContext.UseModelFrom(typeof(KpiRollup).Assembly);
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite($"Data Source={file}", x => x.MigrationsAssembly("Grassroots.Migrations.Sqlite"))
            .Options;
        string district, city, unit, person;
        int year;
        await using (var db = new AppDbContext(options))
        {
            var rows = db.Set<KpiRollup>().AsNoTracking();
            var count = await rows.LongCountAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count:N0} rollup rows"));
            year = (await rows.MaxAsync(r => r.Day)).Year;
            district = await rows.Where(r => r.Dim == KpiDim.All && r.Level == 2 && r.Grain == KpiGrain.Month)
                .GroupBy(r => r.RegionPath).OrderByDescending(g => g.Sum(r => r.Due)).Select(g => g.Key).FirstAsync();
            city = Parent(district);
            unit = await rows.Where(r => r.Dim == KpiDim.Unit && r.Level == 1 && r.Grain == KpiGrain.Month)
                .GroupBy(r => r.Key).OrderByDescending(g => g.Sum(r => r.Dispatched)).Select(g => g.Key).FirstAsync();
            person = await rows.Where(r => r.Dim == KpiDim.Person && r.Level == 1 && r.Grain == KpiGrain.Month)
                .GroupBy(r => r.Key).OrderByDescending(g => g.Sum(r => r.Handled + r.Dispatched + r.Registered)).Select(g => g.Key).FirstAsync();
        }

        var calendar = new WorkingCalendar([], WorkingSchedule.Default);
        await MeasureAsync(options, calendar, $"district {district}, whole year", new(KpiDim.All, "", district), new(year, 1, 1), new(year, 12, 31));
        await MeasureAsync(options, calendar, $"district {district}, 2 Jan – 30 Dec", new(KpiDim.All, "", district), new(year, 1, 2), new(year, 12, 30));
        await MeasureAsync(options, calendar, "the city, 2 Jan – 30 Dec", new(KpiDim.All, "", city), new(year, 1, 2), new(year, 12, 30));
        await MeasureAsync(options, calendar, $"unit {unit}, unrestricted caller, 2 Jan – 30 Dec", new(KpiDim.Unit, unit, null), new(year, 1, 2), new(year, 12, 30));
        await MeasureAsync(options, calendar, $"person {person}, unrestricted caller, 2 Jan – 30 Dec", new(KpiDim.Person, person, null), new(year, 1, 2), new(year, 12, 30));
        return 0;
    }

    /// <summary>25 runs of <see cref="KpiQuery.TotalsAsync"/>, each on a new context as a request has it; the first 5 discarded.</summary>
    private static async Task MeasureAsync(DbContextOptions<AppDbContext> options, WorkingCalendar calendar, string label, KpiSelection selection, DateOnly from, DateOnly to)
    {
        var times = new List<double>();
        double first = 0;
        KpiTotals? last = null;
        for (var run = 0; run < 25; run++)
        {
            await using var db = new AppDbContext(options);
            var t = Stopwatch.StartNew();
            (last, _) = await KpiQuery.TotalsAsync(db, calendar, selection, from, to, default);
            t.Stop();
            first = run == 0 ? t.Elapsed.TotalMilliseconds : first;
            if (run >= 5)
            {
                times.Add(t.Elapsed.TotalMilliseconds);
            }
        }

        int rowsRead;
        await using (var db = new AppDbContext(options))
        {
            rowsRead = await KpiQuery.Rows(db, selection, from, to).CountAsync();
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {rowsRead} rows read, {last![KpiCounter.Due]:N0} due, {last[KpiCounter.Handled]:N0} handling samples; over 20 runs (after 5 warm-up): median {times[times.Count / 2]:F2} ms, max {times[^1]:F2} ms, min {times[0]:F2} ms; first run {first:F2} ms"));
    }

    private static string Parent(string path) => path[..(path.LastIndexOf('/', path.Length - 2) + 1)];

    /// <summary>
    /// The community paths of the <c>large</c> demo city, as DemoSeeder would store them. Generating the city takes
    /// minutes, so the paths are kept in a temporary file for the next run.
    /// </summary>
    private static List<string> LargeTree()
    {
        var cache = Path.Combine(Path.GetTempPath(), "grassroots-bench-large-2026-communities.txt");
        if (File.Exists(cache))
        {
            return [.. File.ReadAllLines(cache).Where(l => l.Length > 0)];
        }

        var city = DemoCityGenerator.Generate(2026, DemoScale.Large);
        List<string> paths = [.. city.Regions.Where(r => r.Kind is RegionKind.Community or RegionKind.Village).Select(r => r.Path).Order(StringComparer.Ordinal)];
        File.WriteAllLines(cache, paths);
        return paths;
    }

    private static List<string> SyntheticTree(int districts, int communities) =>
        [.. Enumerable.Range(1, districts).SelectMany(d => Enumerable.Range(0, communities).Select(c => string.Create(CultureInfo.InvariantCulture,
            $"320200000000/3202{d:00}000000/3202{d:00}{(c / 15) + 1:000}000/3202{d:00}{(c / 15) + 1:000}{(c % 15) + 1:000}/")))];

    /// <summary>The three units a community's cases go to: its street office and two departments of its district.</summary>
    private static string[] UnitsOf(string community)
    {
        var codes = community.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return [codes[2][..9] + "-JD", codes[1][..6] + "-CGJ", codes[1][..6] + "-SWJ"];
    }

    private static (long Rows, long CommunityRows) Fill(string file, List<string> communities, int casesPerYear)
    {
        var rng = new Random(2025);
        var perCommunityDay = (double)casesPerYear / communities.Count / 365;
        using var connection = new SqliteConnection($"Data Source={file}");
        connection.Open();
        using var tx = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO kpi_rollup ("Day","Grain","RegionPath","Level","Dim","Key","Registered","VoidedAfterRegister","VoidedUnregistered","Dispatched","DispatchedOnTime","Returned",
              "Due","Closed","ClosedOnTime","ClosedNotFixed","Reworked","Extended","Reopened","Parked","RatedSatisfied","RatedBasicallySatisfied","RatedDissatisfied","Handled","HandlingUnknown","Bins")
            VALUES ($day,$grain,$path,$level,$dim,$key,$c0,$c1,$c2,$c3,$c4,$c5,$c6,$c7,$c8,$c9,$c10,$c11,$c12,$c13,$c14,$c15,$c16,$c17,$c18,$bins)
            """;
        var day = insert.Parameters.Add("$day", SqliteType.Text);
        var grain = insert.Parameters.Add("$grain", SqliteType.Integer);
        var path = insert.Parameters.Add("$path", SqliteType.Text);
        var level = insert.Parameters.Add("$level", SqliteType.Integer);
        var dim = insert.Parameters.Add("$dim", SqliteType.Integer);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var counts = Enumerable.Range(0, KpiTotals.CounterCount).Select(i => insert.Parameters.Add($"$c{i}", SqliteType.Integer)).ToArray();
        var bins = insert.Parameters.Add("$bins", SqliteType.Blob);
        insert.Prepare();
        long rows = 0, communityRows = 0;

        // As the folder does, a cell with nothing to count has no row.
        bool Write(DateOnly on, KpiGrain g, (string Path, KpiDim Dim, string Key) cell, KpiTotals t)
        {
            if (t.IsEmpty)
            {
                return false;
            }

            day.Value = on.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            grain.Value = (int)g;
            path.Value = cell.Path;
            level.Value = KpiRollup.LevelOf(cell.Path);
            dim.Value = (int)cell.Dim;
            key.Value = cell.Key;
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i].Value = t.Counts[i];
            }

            bins.Value = (object?)HandlingBins.Encode(t.Bins) ?? DBNull.Value;
            insert.ExecuteNonQuery();
            rows++;
            return true;
        }

        static void AddInto(Dictionary<(string, KpiDim, string), KpiTotals> cells, (string, KpiDim, string) cell, KpiTotals t)
        {
            if (!cells.TryGetValue(cell, out var sum))
            {
                cells[cell] = sum = new KpiTotals();
            }

            sum.Add(t);
        }

        var units = communities.ToDictionary(c => c, UnitsOf);
        for (var month = 1; month <= 12; month++)
        {
            var monthCells = new Dictionary<(string, KpiDim, string), KpiTotals>();
            var first = new DateOnly(Year, month, 1);
            for (var on = first; on.Month == month; on = on.AddDays(1))
            {
                var dayCells = new Dictionary<(string, KpiDim, string), KpiTotals>();
                foreach (var community in communities)
                {
                    // Everything, then each unit's share of the same dispatches.
                    var all = Random(rng, perCommunityDay);
                    var shares = units[community].Select(u => (u, Random(rng, perCommunityDay / 3))).ToList();
                    foreach (var (dimension, unit, t) in shares.Select(s => (KpiDim.Unit, s.u, s.Item2)).Prepend((KpiDim.All, "", all)))
                    {
                        communityRows += Write(on, KpiGrain.Day, (community, dimension, unit), t) ? 1 : 0;
                        foreach (var region in KpiRollup.RegionsOf(community))
                        {
                            if (region != community)
                            {
                                AddInto(dayCells, (region, dimension, unit), t);
                            }

                            AddInto(monthCells, (region, dimension, unit), t);
                        }
                    }
                }

                foreach (var (cell, t) in dayCells)
                {
                    Write(on, KpiGrain.Day, cell, t);
                }
            }

            foreach (var (cell, t) in monthCells)
            {
                Write(first, KpiGrain.Month, cell, t);
            }
        }

        tx.Commit();
        return (rows, communityRows);
    }

    /// <summary>The counts of one cell: about <paramref name="mean"/> dispatches, and a handling-time sample for each.</summary>
    private static KpiTotals Random(Random rng, double mean)
    {
        var n = (int)Math.Round(mean * 2 * rng.NextDouble());
        var t = new KpiTotals();
        long[] pattern = [n, n / 20, n / 50, n, n * 9 / 10, n / 20, n, n * 9 / 10, n * 8 / 10, n / 50, n / 20, n / 20, n / 50, n / 50, n / 3, n / 6, n / 20, n, 0];
        for (var i = 0; i < pattern.Length; i++)
        {
            t.Add((KpiCounter)i, pattern[i]);
        }

        for (var s = 0; s < n; s++)
        {
            // Mostly within a few working days (5-minute bins), now and then beyond 100 working hours.
            t.AddSample(rng.Next(50) == 0 ? 6_000 + rng.Next(60_000) : rng.Next(2_400));
        }

        return t;
    }
}
