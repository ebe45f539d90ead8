using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Grassroots.Benchmarks;
using Grassroots.Web.Features.Demo;

// Usage:
//   dotnet run -c Release --project bench/Grassroots.Benchmarks -- [--large] [--inprocess] [BenchmarkDotNet options]
//   dotnet run -c Release --project bench/Grassroots.Benchmarks -- --check [--large]
// --large   also runs the point → grid benchmark on the large demo city (generation takes a while).
// --inprocess  runs benchmarks in this process (InProcessEmitToolchain) instead of a generated child project.
// --check   no BenchmarkDotNet: one timed pass and the bytes allocated over it, as a quick cross-check.
// --kpis [large | districts communities] [cases-per-year]   one district's KPIs over a year from a throwaway rollup
//           shaped like the large demo city (default) or a synthetic tree (docs/benchmarks.md §5).
// --kpis-db FILE   the same reads on an existing SQLite database after `kpis rebuild`.
if (args.Contains("--kpis") || args.Contains("--kpis-db"))
{
    return await KpiLoad.RunAsync(args);
}

var large = args.Contains("--large");
var inProcess = args.Contains("--inprocess");
if (large)
{
    // Read by PointToGridBenchmarks.Scales, here and in the child processes BenchmarkDotNet starts.
    Environment.SetEnvironmentVariable(BenchSettings.LargeVariable, "1");
}

if (args.Contains("--check"))
{
    Check(DemoScale.City);
    if (large)
    {
        Check(DemoScale.Large);
    }

    return 0;
}

var rest = args.Where(a => a is not ("--large" or "--inprocess")).ToArray();
// The benchmark runs on one thread, so its rate is lookups a second on one core.
var job = Job.Default
    .WithWarmupCount(3)
    .WithIterationCount(15);
if (inProcess)
{
    job = job.WithToolchain(InProcessEmitToolchain.Instance);
}

var config = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddColumn(StatisticColumn.OperationsPerSecond, StatisticColumn.Min, StatisticColumn.Max);
BenchmarkSwitcher.FromAssembly(typeof(PointToGridBenchmarks).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
return 0;

static void Check(DemoScale scale)
{
    var started = Stopwatch.StartNew();
    var fixture = CityFixture.Get(scale);
    var generated = started.Elapsed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scale}: {fixture.Index.Count:N0} grids, {fixture.Vertices:N0} vertices, box {fixture.Box.MinX:F4},{fixture.Box.MinY:F4},{fixture.Box.MaxX:F4},{fixture.Box.MaxY:F4}; generated and indexed in {generated.TotalSeconds:F1} s"));
    foreach (var inside in new[] { false, true })
    {
        var (xs, ys) = fixture.Points(PointToGridBenchmarks.PointCount, inside);
        var index = fixture.Index;
        long hits = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            hits += index.Locate(xs[i], ys[i]) >= 0 ? 1 : 0; // warm-up pass
        }

        var best = TimeSpan.MaxValue;
        long allocated = 0;
        for (var pass = 0; pass < 5; pass++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            long sum = 0;
            for (var i = 0; i < xs.Length; i++)
            {
                sum += index.Locate(xs[i], ys[i]);
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            allocated = Math.Max(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            best = elapsed < best ? elapsed : best;
            GC.KeepAlive(sum);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {(inside ? "Inside" : "Box"),-6} {xs.Length:N0} points, {100.0 * hits / xs.Length:F1}% in a grid: best of 5 passes {best.TotalMilliseconds:F0} ms = {xs.Length / best.TotalSeconds / 1e6:F2} M lookups/s; {allocated} bytes allocated in a pass"));
    }
}

internal static class BenchSettings
{
    public const string LargeVariable = "GRASSROOTS_BENCH_LARGE";
}
