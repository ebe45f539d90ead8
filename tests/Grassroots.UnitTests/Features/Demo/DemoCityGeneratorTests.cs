using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace Grassroots.UnitTests.Features.Demo;

public class DemoCityGeneratorTests
{
    private static readonly Lazy<DemoCity> Small = new(() => DemoCityGenerator.Generate(7, DemoScale.Small));

    [Fact]
    public void Generate_SameSeed_GivesTheSameCity()
    {
        var again = DemoCityGenerator.Generate(7, DemoScale.Small);
        var first = Small.Value;
        Assert.Equal(first.Regions.Select(r => (r.Code, r.Name, r.Path)), again.Regions.Select(r => (r.Code, r.Name, r.Path)));
        Assert.Equal(first.Grids.Select(g => (g.Code, g.Name, Convert.ToBase64String(g.Boundary))), again.Grids.Select(g => (g.Code, g.Name, Convert.ToBase64String(g.Boundary))));
        Assert.Equal(first.Compounds.Select(c => (c.Code, c.Name, c.Lon, c.Lat)), again.Compounds.Select(c => (c.Code, c.Name, c.Lon, c.Lat)));
        Assert.Equal(first.Orgs.Select(o => (o.Code, o.Name, o.SecretaryCode)), again.Orgs.Select(o => (o.Code, o.Name, o.SecretaryCode)));
        Assert.Equal(first.People.Select(p => (p.Code, p.Name, p.Phone)), again.People.Select(p => (p.Code, p.Name, p.Phone)));
    }

    [Fact]
    public void Generate_AnotherSeed_GivesAnotherCity()
    {
        var other = DemoCityGenerator.Generate(8, DemoScale.Small);
        Assert.NotEqual(Small.Value.Grids.Select(g => g.Name), other.Grids.Select(g => g.Name));
    }

    [Fact]
    public void Small_HoldsLiangxiAndXinwuWithAFewHundredGrids()
    {
        var city = Small.Value;
        var districts = city.Regions.Where(r => r.Kind.Level() == 2).Select(r => r.Name).ToList();
        Assert.Equal(["梁溪区", "新吴区"], districts);
        Assert.InRange(city.Grids.Count, 150, 600);
        Assert.All(city.Regions.Where(r => r.Kind.Level() == 3), s => Assert.StartsWith(s.ParentCode![..6], s.Code, StringComparison.Ordinal));
    }

    [Fact]
    public void City_HasTheRealDistrictsAndStreetsAndTheSizeOfWuxi()
    {
        var city = DemoCityGenerator.Generate(2026, DemoScale.City);
        var districts = city.Regions.Where(r => r.Kind.Level() == 2).ToDictionary(r => r.Code[..6], r => r.Name);
        Assert.Equal("锡山区", districts["320205"]);
        Assert.Equal("惠山区", districts["320206"]);
        Assert.Equal("滨湖区", districts["320211"]);
        Assert.Equal("梁溪区", districts["320213"]);
        Assert.Equal("新吴区", districts["320214"]);
        Assert.Equal("江阴市", districts["320281"]);
        Assert.Equal("宜兴市", districts["320282"]);

        var streets = city.Regions.Where(r => r.Kind.Level() == 3).ToList();
        Assert.Equal(88, streets.Count);
        Assert.Contains(streets, s => s.Code == "320213027000" && s.Name == "山北街道");
        Assert.InRange(city.Regions.Count(r => r.Kind.Level() == 4), 1_100, 1_500);
        Assert.InRange(city.Grids.Count, 6_000, 10_000);
        Assert.InRange(city.Compounds.Count, 8_000, 12_000);
        Assert.All(city.Grids, g => Assert.Matches("^[0-9]{15}$", g.Code));
        Assert.All(city.Regions, r => Assert.Matches("^[0-9]{12}$", r.Code));

        // The README's walkthrough points at these places of the city the first start seeds (seed 2026).
        string? GridAt(double lon, double lat) =>
            city.Grids.FirstOrDefault(g => Geo.FromWkb(g.Boundary).Covers(new NetTopologySuite.Geometries.Point(lon, lat)))?.Code;
        Assert.Equal("320213021001001", GridAt(120.28029, 31.58425));
        Assert.StartsWith("320213", GridAt(120.30, 31.57), StringComparison.Ordinal);
    }

    [Fact]
    public void Grids_TileEachCommunity_WithoutGapsOrOverlaps()
    {
        var city = Small.Value;
        foreach (var community in city.Regions.Where(r => r.Kind.Level() == 4))
        {
            var area = Geo.FromWkb(community.Boundary!);
            var grids = city.Grids.Where(g => g.CommunityCode == community.Code).Select(g => Geo.FromWkb(g.Boundary)).ToList();
            AssertTiles(area, grids, community.Name);
        }
    }

    [Fact]
    public void Communities_TileEachStreet_AndStreetsTileEachDistrict()
    {
        var city = Small.Value;
        foreach (var parent in city.Regions.Where(r => r.Kind.Level() is 2 or 3))
        {
            var children = city.Regions.Where(r => r.ParentCode == parent.Code).Select(r => Geo.FromWkb(r.Boundary!)).ToList();
            AssertTiles(Geo.FromWkb(parent.Boundary!), children, parent.Name);
        }
    }

    private static void AssertTiles(Geometry whole, List<Geometry> parts, string name)
    {
        Assert.NotEmpty(parts);
        Assert.All(parts, p => Assert.True(p.IsValid, $"{name}: a part is not a valid polygon"));
        var tolerance = whole.Area * 1e-12;

        // No overlaps: any two parts share at most their boundary.
        for (var i = 0; i < parts.Count; i++)
        {
            for (var j = i + 1; j < parts.Count; j++)
            {
                if (parts[i].EnvelopeInternal.Intersects(parts[j].EnvelopeInternal))
                {
                    Assert.True(parts[i].Intersection(parts[j]).Area <= tolerance, $"{name}: parts {i} and {j} overlap");
                }
            }
        }

        // No gaps: together the parts are the whole.
        var union = CascadedPolygonUnion.Union(parts);
        Assert.True(union.SymmetricDifference(whole).Area <= tolerance, $"{name}: the parts leave a gap or spill over");
        Assert.Equal(whole.Area, parts.Sum(p => p.Area), whole.Area * 1e-12);
    }

    [Fact]
    public void GridCodes_NumberWestToEastThenNorthToSouth()
    {
        var city = Small.Value;
        foreach (var group in city.Grids.GroupBy(g => g.CommunityCode))
        {
            var grids = group.OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
            Assert.All(grids.Select((g, i) => (g, i)), x => Assert.Equal(group.Key + (x.i + 1).ToString("D3", System.Globalization.CultureInfo.InvariantCulture), x.g.Code));
            var first = Geo.FromWkb(grids[0].Boundary).Centroid;
            var last = Geo.FromWkb(grids[^1].Boundary).Centroid;
            Assert.True(first.Y >= last.Y || first.X <= last.X, $"{group.Key}: the first grid is neither north nor west of the last");
        }
    }

    [Fact]
    public void Orgs_FormOneTree_FromTheCityCommitteeDown()
    {
        var city = Small.Value;
        var codes = city.Orgs.Select(o => o.Code).ToHashSet();
        Assert.Single(city.Orgs, o => o.ParentCode is null);
        Assert.All(city.Orgs.Where(o => o.ParentCode is not null), o => Assert.Contains(o.ParentCode!, codes));
        Assert.All(city.Orgs, o => Assert.NotNull(o.SecretaryCode));
        Assert.Contains(city.Orgs, o => o.Kind == OrgKind.Branch && o.GridCode is not null);
        Assert.Contains(city.Compounds, c => c.BranchOrgCode is not null);
        Assert.Contains(city.Compounds, c => c.BranchOrgCode is null);
        Assert.Contains(city.Grids, g => g.Kind == GridKind.Dedicated && g.ResponsibleOrgCode is not null && g.Owner is not null);
    }
}
