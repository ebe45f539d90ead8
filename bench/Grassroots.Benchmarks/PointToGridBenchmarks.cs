using BenchmarkDotNet.Attributes;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Spatial;

namespace Grassroots.Benchmarks;

/// <summary>
/// Point → grid with the app's <see cref="GridIndex"/>: one pass over a fixed array of a million
/// points per invocation, on one thread, so the reported rate is lookups a second on one core.
/// </summary>
[MemoryDiagnoser]
public class PointToGridBenchmarks
{
    public const int PointCount = 1_000_000;

    private GridIndex index = null!;
    private double[] xs = [];
    private double[] ys = [];

    /// <summary>City always; Large as well when the runner was started with --large.</summary>
    public static IEnumerable<DemoScale> Scales =>
        Environment.GetEnvironmentVariable(BenchSettings.LargeVariable) == "1" ? [DemoScale.City, DemoScale.Large] : [DemoScale.City];

    [ParamsSource(nameof(Scales))]
    public DemoScale Scale { get; set; }

    /// <summary>Box: uniform over the city's bounding box (some points fall outside every grid). Inside: only points inside the city.</summary>
    [Params("Box", "Inside")]
    public string Points { get; set; } = "Box";

    [GlobalSetup]
    public void Setup()
    {
        var fixture = CityFixture.Get(Scale);
        index = fixture.Index;
        (xs, ys) = fixture.Points(PointCount, insideOnly: Points == "Inside");
    }

    [Benchmark(OperationsPerInvoke = PointCount)]
    public long Locate()
    {
        var index = this.index;
        var xs = this.xs;
        var ys = this.ys;
        long sum = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            sum += index.Locate(xs[i], ys[i]);
        }

        return sum;
    }
}
