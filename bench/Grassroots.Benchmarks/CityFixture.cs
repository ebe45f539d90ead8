using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Spatial;
using NetTopologySuite.Geometries;

namespace Grassroots.Benchmarks;

/// <summary>The demo city's grids as the app indexes them, and fixed sets of query points over it.</summary>
internal sealed class CityFixture
{
    public const int Seed = 2026;
    public const int PointSeed = 20260101;

    private static readonly Dictionary<DemoScale, CityFixture> Cache = [];

    private CityFixture(DemoScale scale)
    {
        var city = DemoCityGenerator.Generate(Seed, scale);

        // As RegistrySnapshot does it: current grids in ordinal code order, shapes read back from WKB.
        var grids = city.Grids.Where(g => g.ValidTo == null).ToList();
        grids.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        Shapes = [.. grids.Select(g => Geo.FromWkb(g.Boundary))];
        Index = new GridIndex(Shapes);

        var cityRegion = city.Regions.Single(r => r.Code == DemoCityGenerator.CityCode);
        Outline = Geo.FromWkb(cityRegion.Boundary!);
        Box = Outline.EnvelopeInternal;
        Vertices = Shapes.Sum(s => s.NumPoints);
    }

    public Geometry[] Shapes { get; }

    public GridIndex Index { get; }

    /// <summary>The city's outline: the grids tile it.</summary>
    public Geometry Outline { get; }

    /// <summary>The city's bounding box.</summary>
    public Envelope Box { get; }

    public int Vertices { get; }

    public static CityFixture Get(DemoScale scale)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(scale, out var fixture))
            {
                fixture = new CityFixture(scale);
                Cache[scale] = fixture;
            }

            return fixture;
        }
    }

    /// <summary>
    /// Pseudo-random points, uniform over the city's bounding box; with <paramref name="insideOnly"/>
    /// those outside the city outline are drawn again, so every point falls in some grid.
    /// </summary>
    public (double[] X, double[] Y) Points(int count, bool insideOnly)
    {
        var random = new Random(PointSeed);
        var xs = new double[count];
        var ys = new double[count];
        var locator = new NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator(Outline);
        for (var i = 0; i < count; i++)
        {
            double x, y;
            do
            {
                x = Box.MinX + random.NextDouble() * Box.Width;
                y = Box.MinY + random.NextDouble() * Box.Height;
            }
            while (insideOnly && locator.Locate(new Coordinate(x, y)) == Location.Exterior);

            xs[i] = x;
            ys[i] = y;
        }

        return (xs, ys);
    }
}
