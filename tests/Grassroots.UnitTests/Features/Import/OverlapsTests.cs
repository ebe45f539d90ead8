using Grassroots.Web.Features.Import;
using Grassroots.Web.Features.Spatial;
using NetTopologySuite.Geometries;

namespace Grassroots.UnitTests.Features.Import;

public class OverlapsTests
{
    private static Polygon Box(double x0, double y0, double x1, double y1) =>
        Geo.Factory.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);

    [Fact]
    public void GridsSharingAnEdge_DoNotOverlap() =>
        Assert.Empty(Overlaps.Find([Box(120, 31, 120.01, 31.01), Box(120.01, 31, 120.02, 31.01)], [true, true]));

    [Fact]
    public void GridsThatCrossEachOther_Overlap_WithTheAreaInSquareMetres()
    {
        var found = Overlaps.Find([Box(120, 31, 120.01, 31.01), Box(120.005, 31, 120.015, 31.01)], [true, true]);
        var (a, b, area) = Assert.Single(found);
        Assert.Equal((0, 1), (a, b));
        Assert.InRange(area, 0.9 * 475 * 1110, 1.1 * 475 * 1110);
    }

    [Fact]
    public void ASliverWithinTheTolerance_IsNoOverlap()
    {
        // A crossing of 1e-11 degrees (a micrometre) along 0.01 degrees: 1e-13 square degrees.
        Assert.Empty(Overlaps.Find([Box(120, 31, 120.01, 31.01), Box(120.01 - 1e-11, 31, 120.02, 31.01)], [true, true]));
        Assert.Single(Overlaps.Find([Box(120, 31, 120.01, 31.01), Box(120.01 - 1e-9, 31, 120.02, 31.01)], [true, true]));
    }

    [Fact]
    public void TwoOldGrids_AreNotChecked_OnlyPairsWithANewOne()
    {
        Polygon[] shapes = [Box(120, 31, 120.01, 31.01), Box(120.005, 31, 120.015, 31.01), Box(120.008, 31, 120.02, 31.01)];
        var found = Overlaps.Find(shapes, [false, false, true]);
        Assert.Equal([(0, 2), (1, 2)], found.Select(f => (f.A, f.B)));
    }
}
