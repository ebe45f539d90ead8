using System.Diagnostics;
using System.Globalization;
using Grassroots.Data;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Kpis;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Benchmarks;

/// <summary>
/// <c>--kpis [districts] [communities]</c>: one district's KPIs over a year, read the way GET /api/kpis reads them, from a
/// throwaway SQLite database holding a year of rollup rows for a whole city (every community × day for everything,
/// three units per community and day, handling-time bins in every row). No steps past the watermark: the raw tail a
/// live server adds is the few seconds of steps since the last fold.
/// </summary>
public static class KpiLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = args.SkipWhile(a => a != "--kpis").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
        var districts = numbers.ElementAtOrDefault(0) is > 0 and var d ? d : 9;
        var communities = numbers.ElementAtOrDefault(1) is > 0 and var c ? c : 150;
        var file = Path.Combine(Path.GetTempPath(), $"grassroots-kpis-{Environment.ProcessId}.db");
        try
        {
            AppDbContext.UseModelFrom(typeof(KpiDaily).Assembly);
            var options = new DbContextOptionsBuilder<AppDbContext>()
                .UseSqlite($"Data Source={file}", x => x.MigrationsAssembly("Grassroots.Migrations.Sqlite"))
                .Options;
            await using (var db = new AppDbContext(options))
            {
                await db.Database.MigrateAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }

            var watch = Stopwatch.StartNew();
            var rows = Fill(file, districts, communities);
            Console.WriteLine($"Filled {rows:N0} rollup rows ({districts} districts × {communities} communities × 365 days × (1 + 3 units)) in {watch.Elapsed.TotalSeconds:F1} s");

            var district = "320200000000/320201000000/";
            var paths = Enumerable.Range(0, communities).Select(i => CommunityPath(1, i)).Prepend(district).ToList();
            var selection = new KpiSelection(KpiDim.All, "", paths, district);
            var calendar = new WorkingCalendar([], WorkingSchedule.Default);
            var times = new List<double>();
            KpiTotals? last = null;
            for (var run = 0; run < 25; run++)
            {
                await using var db = new AppDbContext(options);
                var t = Stopwatch.StartNew();
                (last, _) = await KpiQuery.TotalsAsync(db, calendar, selection, new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31), default);
                t.Stop();
                if (run >= 5)
                {
                    times.Add(t.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            Console.WriteLine($"One district, one year: {last![KpiCounter.Due]:N0} due, {last[KpiCounter.Handled]:N0} handling samples");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Query over 20 runs (after 5 warm-up): median {times[times.Count / 2]:F1} ms, max {times[^1]:F1} ms, min {times[0]:F1} ms"));
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

    private static string CommunityPath(int district, int community) =>
        string.Create(CultureInfo.InvariantCulture, $"320200000000/3202{district:00}000000/3202{district:00}{community / 15 + 1:000}000/3202{district:00}{community / 15 + 1:000}{community % 15 + 1:000}/");

    private static long Fill(string file, int districts, int communities)
    {
        var rng = new Random(2025);
        using var connection = new SqliteConnection($"Data Source={file}");
        connection.Open();
        using var tx = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO kpi_daily ("Day","RegionPath","Dim","Key","Registered","VoidedAfterRegister","VoidedUnregistered","Dispatched","DispatchedOnTime","Returned",
              "Due","Closed","ClosedOnTime","ClosedNotFixed","Reworked","Extended","Reopened","Parked","RatedSatisfied","RatedBasicallySatisfied","RatedDissatisfied","Handled","HandlingUnknown","Bins")
            VALUES ($day,$path,$dim,$key,$n,1,1,$n,$n,1,$n,$n,$n,0,1,1,0,0,$r,1,1,$n,0,$bins)
            """;
        var day = insert.Parameters.Add("$day", SqliteType.Text);
        var path = insert.Parameters.Add("$path", SqliteType.Text);
        var dim = insert.Parameters.Add("$dim", SqliteType.Integer);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var n = insert.Parameters.Add("$n", SqliteType.Integer);
        var r = insert.Parameters.Add("$r", SqliteType.Integer);
        var bins = insert.Parameters.Add("$bins", SqliteType.Blob);
        long rows = 0;
        for (var d = 1; d <= districts; d++)
        {
            for (var c = 0; c < communities; c++)
            {
                path.Value = CommunityPath(d, c);
                for (var i = 0; i < 365; i++)
                {
                    day.Value = new DateOnly(2025, 1, 1).AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    for (var k = 0; k < 4; k++)
                    {
                        dim.Value = k == 0 ? 0 : 1;
                        key.Value = k == 0 ? "" : $"3202{d:00}-U{k}";
                        n.Value = rng.Next(1, 40);
                        r.Value = rng.Next(0, 10);
                        var sample = new Dictionary<int, long>();
                        for (var s = 0; s < 20; s++)
                        {
                            sample[rng.Next(0, 600)] = rng.Next(1, 4);
                        }

                        bins.Value = HandlingBins.Encode(sample);
                        insert.ExecuteNonQuery();
                        rows++;
                    }
                }
            }
        }

        tx.Commit();
        return rows;
    }
}
