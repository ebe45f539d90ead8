using System.Globalization;
using System.Net;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using static Grassroots.IntegrationTests.Features.Import.ImportFiles;

namespace Grassroots.IntegrationTests.Features.Import;

/// <summary>Grids are redrawn over time: a changed outline becomes a new version and the old one is closed, not lost.</summary>
public class GridHistoryTests(WritableCityApp app) : IClassFixture<WritableCityApp>
{
    private HttpClient client => app.AdminClientAsync().GetAwaiter().GetResult();

    private static string Kind(Grid g) => g.Kind == GridKind.Basic ? "basic" : "dedicated";

    private Grid Current(string code) => app.WithDb(db => db.Grids.AsNoTracking().Single(g => g.Code == code && g.ValidTo == null));

    private List<Grid> Versions(string code) => app.WithDb(db => db.Grids.AsNoTracking().Where(g => g.Code == code).OrderBy(g => g.ValidFrom).ToList());

    private async Task<string?> LocateAsync(Coordinate p)
    {
        var response = await client.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={p.X}&lat={p.Y}"), TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("grid").GetProperty("code").GetString();
    }

    /// <summary>A grid, taken in code order, whose interior point lies well inside it.</summary>
    private Grid PickGrid(int skip) => app.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null && g.Kind == GridKind.Basic).OrderBy(g => g.Code).Skip(skip).First());

    [Fact]
    public async Task RedrawnGrid_ClosesTheCurrentVersionNow_AndLocateUsesTheNewOutline()
    {
        var grid = PickGrid(5);
        var old = Geo.FromWkb(grid.Boundary);
        var centre = old.InteriorPoint.Coordinate;

        // Shrink the grid to a small square around its interior point: the rest of it is no longer in any grid.
        var side = Math.Sqrt(old.Area) / 4;
        var shrunk = Square(centre.X, centre.Y, side).Intersection(old);
        var gone = old.Difference(shrunk.Buffer(side / 10)).InteriorPoint.Coordinate;
        Assert.Equal(grid.Code, await LocateAsync(gone));

        var file = Collection(Feature(new { code = grid.Code, name = grid.Name, kind = Kind(grid), communityCode = grid.CommunityCode, responsibleOrgCode = grid.ResponsibleOrgCode, owner = grid.Owner }, shrunk));
        var counts = await (await client.UploadAsync("grids", file, "grids.geojson")).CountsAsync();
        Assert.Equal((0, 0, 0, 1), counts);

        var versions = Versions(grid.Code);
        Assert.Equal(2, versions.Count);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(now, versions[0].ValidTo);
        Assert.Equal(grid.ValidFrom, versions[0].ValidFrom);
        Assert.Equal(grid.Boundary, versions[0].Boundary);
        Assert.Equal(now, versions[1].ValidFrom);
        Assert.Null(versions[1].ValidTo);
        Assert.Equal(grid.RegionPath, versions[1].RegionPath);
        Assert.True(versions[1].AreaM2 < grid.AreaM2 / 4, "the area is computed from the new outline");

        Assert.Equal(grid.Code, await LocateAsync(centre));
        Assert.Null(await LocateAsync(gone));
    }

    [Fact]
    public async Task RedrawnGridWithAValidFrom_StartsThenAndClosesTheOldVersionThen()
    {
        var grid = PickGrid(9);
        var smaller = Geo.FromWkb(grid.Boundary).Buffer(-0.0002);
        var file = Collection(Feature(new { code = grid.Code, name = grid.Name, kind = Kind(grid), communityCode = grid.CommunityCode, responsibleOrgCode = grid.ResponsibleOrgCode, owner = grid.Owner, validFrom = "2025-07-01" }, smaller));
        Assert.Equal((0, 0, 0, 1), await (await client.UploadAsync("grids", file, "grids.geojson")).CountsAsync());

        var start = new DateTime(2025, 6, 30, 16, 0, 0, DateTimeKind.Utc);
        var versions = Versions(grid.Code);
        Assert.Equal([(grid.ValidFrom, (DateTime?)start), (start, null)], versions.Select(v => (v.ValidFrom, v.ValidTo)));
    }

    [Fact]
    public async Task SameOutlineWithOtherAttributes_IsUpdatedInPlace_WithoutANewVersion()
    {
        var grid = PickGrid(12);
        var file = Collection(Feature(new { code = grid.Code, name = "改名后的网格", kind = "专属网格", communityCode = grid.CommunityCode, owner = "某某医院" }, Geo.FromWkb(grid.Boundary)));
        Assert.Equal((0, 1, 0, 0), await (await client.UploadAsync("grids", file, "grids.geojson")).CountsAsync());

        var current = Assert.Single(Versions(grid.Code));
        Assert.Equal(("改名后的网格", GridKind.Dedicated, "某某医院"), (current.Name, current.Kind, current.Owner));
        Assert.Equal(grid.Id, current.Id);

        // The same file again changes nothing.
        Assert.Equal((0, 0, 1, 0), await (await client.UploadAsync("grids", file, "grids.geojson")).CountsAsync());
    }

    [Fact]
    public async Task MovingLandBetweenTwoNeighbours_InOneFile_IsAccepted_AndLocateFollows()
    {
        // Two grids of one community that share an edge.
        var (a, b) = app.WithDb(db =>
        {
            var grids = db.Grids.AsNoTracking().Where(g => g.ValidTo == null).OrderBy(g => g.Code).Skip(20).Take(12).ToList();
            return (from x in grids
                    from y in grids
                    where string.CompareOrdinal(x.Code, y.Code) < 0 && x.CommunityCode == y.CommunityCode
                          && Geo.FromWkb(x.Boundary).Intersection(Geo.FromWkb(y.Boundary)).Length > 0
                    select (x, y)).First();
        });
        var shapeA = Geo.FromWkb(a.Boundary);
        var shapeB = Geo.FromWkb(b.Boundary);

        // A bite out of B's middle goes to A: A becomes two parts, B gets a hole; nothing overlaps.
        var p = shapeB.InteriorPoint.Coordinate;
        var bite = Square(p.X, p.Y, Math.Sqrt(shapeB.Area) / 10).Intersection(shapeB);
        var newA = shapeA.Union(bite);
        var newB = shapeB.Difference(bite);
        Assert.Equal(b.Code, await LocateAsync(p));

        var file = Collection(
            Feature(new { code = a.Code, name = a.Name, kind = Kind(a), communityCode = a.CommunityCode, responsibleOrgCode = a.ResponsibleOrgCode, owner = a.Owner }, newA),
            Feature(new { code = b.Code, name = b.Name, kind = Kind(b), communityCode = b.CommunityCode, responsibleOrgCode = b.ResponsibleOrgCode, owner = b.Owner }, newB));
        Assert.Equal((0, 0, 0, 2), await (await client.UploadAsync("grids", file, "grids.geojson")).CountsAsync());

        Assert.Equal(a.Code, await LocateAsync(p));
        var storedA = Geo.FromWkb(Current(a.Code).Boundary);
        var storedB = Geo.FromWkb(Current(b.Code).Boundary);
        Assert.True(storedA.Contains(Geo.Factory.CreatePoint(p)), "the bite is A's now");
        Assert.False(storedB.Intersects(Geo.Factory.CreatePoint(p)), "and no longer B's");
        Assert.Equal(2, Versions(a.Code).Count);
    }

    [Fact]
    public async Task GrowingAGridOverItsNeighbour_IsRefused_AndKeepsTheHistoryAsItWas()
    {
        var grid = PickGrid(30);
        var grown = Geo.FromWkb(grid.Boundary).Buffer(0.002);
        var before = Versions(grid.Code).Count;
        var file = Collection(Feature(new { code = grid.Code, name = grid.Name, kind = Kind(grid), communityCode = grid.CommunityCode }, grown));
        var problems = await (await client.UploadAsync("grids", file, "grids.geojson")).RejectedAsync();
        Assert.All(problems, p => Assert.Equal(("feature:1", "overlap"), (p.Location, p.Code)));
        Assert.Equal(before, Versions(grid.Code).Count);
        Assert.Null(Current(grid.Code).ValidTo);
    }

    [Fact]
    public async Task TheGridMap_ShowsTheNewVersionAfterAnImport()
    {
        var grid = PickGrid(40);
        var smaller = Geo.FromWkb(grid.Boundary).Buffer(-0.0003);
        var file = Collection(Feature(new { code = grid.Code, name = grid.Name, kind = Kind(grid), communityCode = grid.CommunityCode, responsibleOrgCode = grid.ResponsibleOrgCode, owner = grid.Owner, validFrom = "2026-01-15T08:30:00+08:00" }, smaller));
        Assert.Equal((0, 0, 0, 1), await (await client.UploadAsync("grids", file, "grids.geojson")).CountsAsync());

        var map = await (await client.GetAsync($"/api/grids?region={grid.CommunityCode}", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        var feature = map.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("id").GetString() == grid.Code);
        Assert.Equal("2026-01-15T00:30:00Z", feature.GetProperty("properties").GetProperty("validFrom").GetString());
        var area = feature.GetProperty("properties").GetProperty("areaM2").GetDouble();
        Assert.Equal(Geo.AreaM2(smaller), area, tolerance: Geo.AreaM2(smaller) * 1e-4);
        Assert.True(area < grid.AreaM2, string.Create(CultureInfo.InvariantCulture, $"{area} < {grid.AreaM2}"));
    }
}
