using Grassroots.Web.Features.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Grassroots.UnitTests.Features.Spatial;

public class GridIndexTests
{
    private static Geometry Wkt(string wkt) => new WKTReader().Read(wkt);

    // Four unit squares meeting at (1,1): index 0 is north-west, 1 north-east, 2 south-west, 3 south-east.
    private static GridIndex FourSquares() => new([
        Wkt("POLYGON((0 1, 1 1, 1 2, 0 2, 0 1))"),
        Wkt("POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))"),
        Wkt("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))"),
        Wkt("POLYGON((1 0, 2 0, 2 1, 1 1, 1 0))"),
    ]);

    [Theory]
    [InlineData(0.5, 1.5, 0)]
    [InlineData(1.5, 1.5, 1)]
    [InlineData(0.5, 0.5, 2)]
    [InlineData(1.5, 0.5, 3)]
    public void Locate_PointInsideOneGrid_ReturnsThatGrid(double x, double y, int expected) =>
        Assert.Equal(expected, FourSquares().Locate(x, y));

    [Theory]
    [InlineData(1.0, 1.5, 0)]   // edge between 0 and 1
    [InlineData(1.0, 0.5, 2)]   // edge between 2 and 3
    [InlineData(0.5, 1.0, 0)]   // edge between 0 and 2
    [InlineData(1.5, 1.0, 1)]   // edge between 1 and 3
    [InlineData(1.0, 1.0, 0)]   // the vertex all four share
    public void Locate_PointOnSharedEdge_GoesToTheGridThatComesFirst(double x, double y, int expected) =>
        Assert.Equal(expected, FourSquares().Locate(x, y));

    [Fact]
    public void Locate_PointOnADiagonalSharedEdge_IsCoveredAndGoesToTheFirstGrid()
    {
        // Two triangles sharing the diagonal from (0,0) to (3,1); the midpoint is not exactly representable on it.
        var index = new GridIndex([
            Wkt("POLYGON((0 0, 3 0, 3 1, 0 0))"),
            Wkt("POLYGON((0 0, 3 1, 0 1, 0 0))"),
        ]);
        Assert.Equal(0, index.Locate(1.5, 0.5));
        Assert.Equal(0, index.Locate(0.3, 0.1));
        Assert.Equal(1, index.Locate(0.3, 0.2));
    }

    [Theory]
    [InlineData(-0.1, 1)]
    [InlineData(2.1, 1)]
    [InlineData(1, 2.0000001)]
    [InlineData(1, -5)]
    public void Locate_PointOutsideEveryGrid_ReturnsMinusOne(double x, double y) =>
        Assert.Equal(-1, FourSquares().Locate(x, y));

    [Fact]
    public void Locate_PointInAHole_IsNotCoveredByTheGridAroundIt()
    {
        var index = new GridIndex([
            Wkt("POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 3 1, 3 3, 1 3, 1 1))"),
            Wkt("POLYGON((1 1, 3 1, 3 3, 1 3, 1 1))"),
        ]);
        Assert.Equal(1, index.Locate(2, 2));
        Assert.Equal(0, index.Locate(0.5, 2));
        Assert.Equal(0, index.Locate(1, 2)); // the hole's edge belongs to both; the first wins
    }

    [Fact]
    public void Locate_MultiPolygon_FindsEveryPart()
    {
        var index = new GridIndex([Wkt("MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))")]);
        Assert.Equal(0, index.Locate(0.5, 0.5));
        Assert.Equal(0, index.Locate(5.5, 5.5));
        Assert.Equal(-1, index.Locate(3, 3));
    }

    [Fact]
    public void Locate_AllocatesNothing()
    {
        var index = FourSquares();
        index.Locate(0.5, 0.5);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = 0;
        for (var i = 0; i < 10_000; i++)
        {
            found += index.Locate(0.5 + (i % 100) / 100.0, 0.5) >= 0 ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10_000, found);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Locate_EmptyIndex_FindsNothing() => Assert.Equal(-1, new GridIndex([]).Locate(1, 1));
}
