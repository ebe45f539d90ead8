using System.Net;
using Grassroots.IntegrationTests.Infrastructure;

namespace Grassroots.IntegrationTests.Features.Units;

public class UnitApiTests(SmallCityApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<string>> UnitCodesAsync(string account, string query = "")
    {
        var units = await (await (await app.ClientAsync(account)).GetAsync("/api/units" + query, Ct)).JsonAsync(HttpStatusCode.OK);
        return [.. units.EnumerateArray().Select(u => u.GetProperty("code").GetString()!)];
    }

    [Fact]
    public async Task LiangxiCentre_SeesLiangxisUnitsAndTheCitysUtilities_NotXinwus()
    {
        var codes = await UnitCodesAsync("lx.center");
        Assert.Contains("320213-CGJ", codes);
        Assert.Contains(codes, c => c.StartsWith("320213", StringComparison.Ordinal) && c.EndsWith("-JD", StringComparison.Ordinal));
        Assert.Contains("320200-GD", codes);
        Assert.DoesNotContain(codes, c => c.StartsWith("320214", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_SeesBothDistricts_AndCanFilterByRegionAndKind()
    {
        Assert.Contains("320214-CGJ", await UnitCodesAsync("admin"));
        var xinwu = await UnitCodesAsync("admin", "?region=320214000000&kind=Department");
        Assert.Contains("320214-GAJ", xinwu);
        Assert.All(xinwu, c => Assert.StartsWith("320214-", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LiangxiCentre_AskingForXinwu_GetsA404()
    {
        await (await (await app.ClientAsync("lx.center")).GetAsync("/api/units?region=320214000000", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await (await app.ClientAsync("admin")).English().GetAsync("/api/units?kind=nothing", Ct)).ProblemAsync(HttpStatusCode.BadRequest, english: true);
    }

    [Fact]
    public async Task TheDemoUnitAccount_BelongsToAnExistingUnit()
    {
        var unit = app.WithDb(db => db.Users.Single(u => u.UserName == "lx.unit").UnitCode);
        Assert.Contains(unit!, await UnitCodesAsync("lx.unit"));
    }
}
