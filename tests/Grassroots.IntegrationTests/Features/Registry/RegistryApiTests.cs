using System.Net;
using System.Text.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.IntegrationTests.Features.Registry;

public class RegistryApiTests(SmallCityApp app)
{
    private readonly HttpClient anonymous = app.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_AnswersOkWithTheGridCount()
    {
        var health = await (await (await app.ClientAsync("admin")).GetAsync("/health", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(app.Database.Provider, health.GetProperty("database").GetString());
        Assert.InRange(health.GetProperty("grids").GetInt32(), 150, 600);
    }

    [Fact]
    public async Task Regions_TopLevelIsTheCity_AndItsChildrenAreTheSmallDemosDistricts()
    {
        var top = await (await (await app.ClientAsync("admin")).GetAsync("/api/regions", Ct)).JsonAsync(HttpStatusCode.OK);
        var city = Assert.Single(top.EnumerateArray());
        Assert.Equal("320200000000", city.GetProperty("code").GetString());
        Assert.Equal("无锡市", city.GetProperty("name").GetString());

        var districts = await (await (await app.ClientAsync("admin")).GetAsync("/api/regions?parent=320200000000", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["梁溪区", "新吴区"], districts.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Region_ComesWithItsPathUpToTheCity()
    {
        var community = app.WithDb(db => db.Regions.AsNoTracking().Where(r => r.Code.StartsWith("320213") && r.Path.Length > 50).OrderBy(r => r.Code).First());
        var detail = await (await (await app.ClientAsync("admin")).GetAsync($"/api/regions/{community.Code}", Ct)).JsonAsync(HttpStatusCode.OK);
        var path = detail.GetProperty("path").EnumerateArray().Select(p => p.GetProperty("code").GetString()).ToList();
        Assert.Equal(["320200000000", "320213000000", community.Code[..9] + "000", community.Code], path);
        Assert.Equal(4, detail.GetProperty("level").GetInt32());
        Assert.True(detail.GetProperty("children").GetInt32() > 0, "a community counts its grids");
    }

    [Fact]
    public async Task UnknownRegion_IsA404Problem_InChineseByDefault_AndInEnglishOnRequest()
    {
        var zh = await (await (await app.ClientAsync("admin")).GetAsync("/api/regions/999999999999", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("999999999999", zh.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var en = await (await (await app.ClientAsync("admin")).English().GetAsync("/api/regions?parent=999999999999", Ct)).ProblemAsync(HttpStatusCode.NotFound, english: true);
        Assert.Equal("Not found", en.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Locate_PointInsideAKnownGrid_ReturnsThatGridAndEverythingAboveIt()
    {
        var grid = app.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null).OrderBy(g => g.Code).Skip(17).First());
        var inside = Geo.FromWkb(grid.Boundary).InteriorPoint;

        var located = await (await anonymous.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={inside.X}&lat={inside.Y}"), Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(grid.Code, located.GetProperty("grid").GetProperty("code").GetString());
        Assert.Equal(grid.CommunityCode, located.GetProperty("community").GetProperty("code").GetString());
        Assert.Equal(grid.Code[..9] + "000", located.GetProperty("street").GetProperty("code").GetString());
        Assert.Equal(grid.Code[..6] + "000000", located.GetProperty("district").GetProperty("code").GetString());
        var org = located.GetProperty("responsibleOrg");
        Assert.Equal(grid.ResponsibleOrgCode ?? grid.CommunityCode, org.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Locate_DedicatedGrid_IsTheOwnersResponsibility()
    {
        var grid = app.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null && g.ResponsibleOrgCode != null).OrderBy(g => g.Code).First());
        var inside = Geo.FromWkb(grid.Boundary).InteriorPoint;
        var located = await (await anonymous.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={inside.X}&lat={inside.Y}"), Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(grid.ResponsibleOrgCode, located.GetProperty("responsibleOrg").GetProperty("code").GetString());
        Assert.False(located.GetProperty("locality").GetBoolean());
        Assert.Equal("dedicated", located.GetProperty("grid").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Locate_VertexSharedByNeighbouringGrids_GoesToTheSmallestCode()
    {
        // A vertex that two grids of one community share: the edge rule gives it to the smaller code.
        var grids = app.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null).OrderBy(g => g.Code).Take(40).ToList());
        var shapes = grids.Select(g => (g.Code, Shape: Geo.FromWkb(g.Boundary))).ToList();
        var shared = (from a in shapes
                      from b in shapes
                      where string.CompareOrdinal(a.Code, b.Code) < 0
                      from c in a.Shape.Coordinates
                      where b.Shape.Coordinates.Any(d => d.Equals2D(c))
                      select (a.Code, Point: c)).First();

        var located = await (await anonymous.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={shared.Point.X}&lat={shared.Point.Y}"), Ct)).JsonAsync(HttpStatusCode.OK);
        var owners = shapes.Where(s => s.Shape.Coordinates.Any(d => d.Equals2D(shared.Point))).Select(s => s.Code).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(owners[0], located.GetProperty("grid").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("lon=116.40&lat=39.90")]   // Beijing: in China, not in the city
    [InlineData("lon=0&lat=0")]
    public async Task Locate_OutsideEveryGrid_IsAClear404Problem(string query)
    {
        var problem = await (await anonymous.GetAsync($"/api/grids/locate?{query}", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("urn:grassroots:problem:outside-grids", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("lat=31.5")]
    [InlineData("lon=abc&lat=31.5")]
    [InlineData("lon=200&lat=31.5")]
    public async Task Locate_MissingOrBadCoordinates_IsA400Problem(string query)
    {
        var response = await anonymous.GetAsync($"/api/grids/locate?{query}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Grids_ByRegion_AreAGeoJsonFeatureCollectionOfThatSubtree()
    {
        var expected = app.WithDb(db => db.Grids.Count(g => g.ValidTo == null && g.Code.StartsWith("320214")));
        var response = await (await app.ClientAsync("admin")).GetAsync("/api/grids?region=320214000000", Ct);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var collection = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("FeatureCollection", collection.GetProperty("type").GetString());
        var features = collection.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(expected, features.Count);
        Assert.All(features, f =>
        {
            Assert.StartsWith("320214", f.GetProperty("properties").GetProperty("code").GetString(), StringComparison.Ordinal);
            Assert.Equal("Polygon", f.GetProperty("geometry").GetProperty("type").GetString());
        });
    }

    [Fact]
    public async Task Grids_ByBoundingBox_ReturnOnlyGridsThatMeetTheBox()
    {
        var grid = app.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null).OrderBy(g => g.Code).First());
        var box = FormattableString.Invariant($"{grid.MinLon},{grid.MinLat},{grid.MaxLon},{grid.MaxLat}");
        var collection = await (await (await app.ClientAsync("admin")).GetAsync($"/api/grids?bbox={box}", Ct)).JsonAsync(HttpStatusCode.OK);
        var codes = collection.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Contains(grid.Code, codes);
        var total = app.WithDb(db => db.Grids.Count(g => g.ValidTo == null));
        Assert.InRange(codes.Count, 1, Math.Min(30, total - 1));
    }

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("a,b,c,d")]
    [InlineData("121,31,120,32")]
    public async Task Grids_BadBoundingBox_IsA400Problem(string bbox)
    {
        var problem = await (await (await app.ClientAsync("admin")).GetAsync($"/api/grids?bbox={bbox}", Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("bbox", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Orgs_RootIsTheCityCommittee_WithItsDistrictsAndSectorCommitteesBelow()
    {
        var roots = await (await (await app.ClientAsync("admin")).GetAsync("/api/orgs", Ct)).JsonAsync(HttpStatusCode.OK);
        var root = Assert.Single(roots.EnumerateArray());
        Assert.Equal("中共无锡市委员会", root.GetProperty("name").GetString());

        var children = await (await (await app.ClientAsync("admin")).GetAsync("/api/orgs?parent=3202", Ct)).JsonAsync(HttpStatusCode.OK);
        var names = children.EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("中共无锡市梁溪区委员会", names);
        Assert.Contains("中共无锡市委教育工作委员会", names);
    }

    [Fact]
    public async Task Org_ShowsItsPathAndItsSecretaryWithTheirPhoneMasked()
    {
        var org = app.WithDb(db => db.Orgs.AsNoTracking().Where(o => o.Kind == Grassroots.Web.Features.Registry.OrgKind.Branch).OrderBy(o => o.Code).First());
        var detail = await (await (await app.ClientAsync("admin")).GetAsync($"/api/orgs/{org.Code}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("3202", detail.GetProperty("path")[0].GetProperty("code").GetString());
        Assert.Equal(org.Code, detail.GetProperty("path").EnumerateArray().Last().GetProperty("code").GetString());
        var phone = detail.GetProperty("secretary").GetProperty("phone").GetString();
        Assert.Matches(@"^1\d\d\*{4}\d{4}$", phone);

        await (await (await app.ClientAsync("admin")).GetAsync("/api/orgs/NOPE", Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Compounds_InARegion_ComeInPagesThatCoverThemAll()
    {
        var expected = app.WithDb(db => db.Compounds.Count(c => c.CommunityCode.StartsWith("320213")));
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await (await (await app.ClientAsync("admin")).GetAsync($"/api/compounds?region=320213000000&limit=50{(after is null ? "" : "&after=" + after)}", Ct)).JsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()!));
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(expected, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(seen, c => Assert.StartsWith("320213", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_FindsChineseNamesAcrossRegionsGridsCompoundsAndOrgs()
    {
        var compound = app.WithDb(db => db.Compounds.AsNoTracking().OrderBy(c => c.Code).First());
        var grid = app.WithDb(db => db.Grids.AsNoTracking().OrderBy(g => g.Code).First());

        var byCompound = await (await (await app.ClientAsync("admin")).GetAsync($"/api/search?q={Uri.EscapeDataString(compound.Name)}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(byCompound.GetProperty("hits").EnumerateArray(), h => h.GetProperty("type").GetString() == "compound" && h.GetProperty("code").GetString() == compound.Code);

        var byDistrict = await (await (await app.ClientAsync("admin")).GetAsync($"/api/search?q={Uri.EscapeDataString("梁溪")}", Ct)).JsonAsync(HttpStatusCode.OK);
        var types = byDistrict.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("type").GetString()).ToHashSet();
        Assert.Contains("region", types);
        Assert.Contains("org", types);

        var byGrid = await (await (await app.ClientAsync("admin")).GetAsync($"/api/search?q={Uri.EscapeDataString(grid.Name)}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(byGrid.GetProperty("hits").EnumerateArray(), h => h.GetProperty("code").GetString() == grid.Code);

        await (await (await app.ClientAsync("admin")).GetAsync("/api/search?q=", Ct)).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownRoute_IsA401ProblemBeforeSignIn_AndA404ProblemAfter()
    {
        await (await anonymous.GetAsync("/api/no-such-thing", Ct)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await (await app.ClientAsync("admin")).GetAsync("/api/no-such-thing", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await (await app.ClientAsync("admin")).English().GetAsync("/api/no-such-thing", Ct)).ProblemAsync(HttpStatusCode.NotFound, english: true);
    }

    [Fact]
    public async Task OpenApi_DescribesTheRegistry_AndTheBrowsableDocsAreServedLocally()
    {
        var doc = await (await (await app.ClientAsync("admin")).GetAsync("/openapi/v1.json", Ct)).JsonAsync(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/grids/locate", paths);
        Assert.Contains("/api/regions/{code}", paths);

        var page = await (await app.ClientAsync("admin")).GetStringAsync("/api-docs/v1", Ct);
        Assert.Contains("<script", page, StringComparison.Ordinal);
        Assert.DoesNotContain("://", page.Split("<script").Skip(1).Select(s => s[..s.IndexOf('>', StringComparison.Ordinal)]).Aggregate("", string.Concat), StringComparison.Ordinal);
        var script = await (await app.ClientAsync("admin")).GetAsync("/api-docs/scalar.js", Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
