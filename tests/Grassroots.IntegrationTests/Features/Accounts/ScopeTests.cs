using System.Net;
using Grassroots.IntegrationTests.Infrastructure;

namespace Grassroots.IntegrationTests.Features.Accounts;

/// <summary>An account sees its own subtree and the names above it; everything else answers 404.</summary>
public class ScopeTests(SmallCityApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DistrictCentre_SeesOnlyItsDistrict()
    {
        var lx = await app.ClientAsync("lx.center");
        var districts = await (await lx.GetAsync("/api/regions?parent=320200000000", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["梁溪区"], districts.EnumerateArray().Select(d => d.GetProperty("name").GetString()));

        await (await lx.GetAsync("/api/regions/320214000000", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await lx.GetAsync("/api/grids?region=320214000000", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await lx.GetAsync("/api/compounds?region=320214000000", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await lx.GetAsync("/api/orgs/320214", Ct)).ProblemAsync(HttpStatusCode.NotFound);

        var all = await (await lx.GetAsync("/api/grids", Ct)).JsonAsync(HttpStatusCode.OK);
        var codes = all.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();
        Assert.NotEmpty(codes);
        Assert.All(codes, c => Assert.StartsWith("320213", c, StringComparison.Ordinal));
        Assert.Equal(app.WithDb(db => db.Set<Grassroots.Web.Features.Registry.Grid>().Count(g => g.ValidTo == null && g.Code.StartsWith("320213"))), codes.Count);
    }

    [Fact]
    public async Task DistrictCentre_SeesTheNamesAboveIt_ButNotItsNeighbours()
    {
        var lx = await app.ClientAsync("lx.center");
        var city = await (await lx.GetAsync("/api/regions/320200000000", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("无锡市", city.GetProperty("name").GetString());

        var roots = await (await lx.GetAsync("/api/orgs", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("中共无锡市委员会", Assert.Single(roots.EnumerateArray()).GetProperty("name").GetString());
        var below = await (await lx.GetAsync("/api/orgs?parent=3202", Ct)).JsonAsync(HttpStatusCode.OK);
        var names = below.EnumerateArray().Select(o => o.GetProperty("name").GetString()).ToList();
        Assert.Contains("中共无锡市梁溪区委员会", names);
        Assert.DoesNotContain("中共无锡市新吴区委员会", names);

        var search = await (await lx.GetAsync($"/api/search?q={Uri.EscapeDataString("新吴")}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(search.GetProperty("hits").EnumerateArray());
    }

    [Fact]
    public async Task CommunitySecretary_SeesOnlyTheirCommunity()
    {
        var secretary = await app.ClientAsync("lx.secretary");
        var me = await (await secretary.GetAsync("/api/auth/me", Ct)).JsonAsync(HttpStatusCode.OK);
        var community = me.GetProperty("regionCode").GetString()!;

        var compounds = await (await secretary.GetAsync("/api/compounds", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.All(compounds.GetProperty("items").EnumerateArray(), c => Assert.Equal(community, c.GetProperty("communityCode").GetString()));

        var street = community[..9] + "000";
        var otherCommunity = app.WithDb(db => db.Set<Grassroots.Web.Features.Registry.Region>().Where(r => r.ParentCode == street && r.Code != community).Select(r => r.Code).First());
        await (await secretary.GetAsync($"/api/regions/{otherCommunity}", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        var streetSeen = await (await secretary.GetAsync($"/api/regions?parent={street}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([community], streetSeen.EnumerateArray().Select(r => r.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task CityAccounts_SeeTheWholeCity()
    {
        var leader = await app.ClientAsync("leader");
        var districts = await (await leader.GetAsync("/api/regions?parent=320200000000", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, districts.GetArrayLength());
    }
}
