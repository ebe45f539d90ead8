using Grassroots.Web.Data;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Grassroots.BrowserTests.Features.Registry;

public class GridMapTests(Browser browser)
{
    private record struct Point(double X, double Y);

    private async Task<IPage> SignedInMapAsync(string username = "admin")
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/");
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync();
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "Grassroots@2026");
        await page.ClickAsync("#login button");
        await page.EvaluateAsync("() => window.grassrootsMap.ready");
        return page;
    }

    [Fact]
    public async Task MapPage_AsksForSignIn_AndSaysWhenThePasswordIsWrong()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/");
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync();
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("#login button");
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("用户名或密码不正确");
        Assert.Equal(0, await page.Locator("#map path").CountAsync());
    }

    [Fact]
    public async Task MapPage_DrawsTheDistrictsGrids_FromThePlatformAlone()
    {
        var page = await SignedInMapAsync();

        var districts = await page.Locator("#district option").AllTextContentsAsync();
        Assert.Equal(["梁溪区", "新吴区"], districts);
        var expected = browser.App.WithDb(db => db.Grids.Count(g => g.ValidTo == null && g.Code.StartsWith("320213")));
        Assert.Equal(expected, await page.Locator("#map path").CountAsync());
        Assert.Contains($"{expected} 个网格", await page.Locator("#status").TextContentAsync(), StringComparison.Ordinal);
        Assert.Empty(browser.ExternalRequests);
    }

    [Fact]
    public async Task ClickingInsideAGrid_ShowsThatGridItsCommunityAndItsOrganisation()
    {
        var grid = browser.App.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null && g.Code.StartsWith("320213")).OrderBy(g => g.Code).Skip(5).First());
        var community = browser.App.WithDb(db => db.Regions.AsNoTracking().First(r => r.Code == grid.CommunityCode));
        var inside = Geo.FromWkb(grid.Boundary).InteriorPoint;

        var page = await SignedInMapAsync();
        var at = await page.EvaluateAsync<Point>("([lon, lat]) => window.grassrootsMap.toClient(lon, lat)", new[] { inside.X, inside.Y });
        await page.Mouse.ClickAsync((float)at.X, (float)at.Y);

        await Assertions.Expect(page.Locator("#info")).ToHaveAttributeAsync("data-grid", grid.Code);
        var text = await page.Locator("#info").TextContentAsync();
        Assert.Contains(grid.Name, text, StringComparison.Ordinal);
        Assert.Contains(community.Name, text, StringComparison.Ordinal);
        Assert.Contains("梁溪区", text, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator($"#map path.selected[data-code='{grid.Code}']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task SearchingAGridByName_ListsIt_AndChoosingItSwitchesDistrictAndSelectsIt()
    {
        var grid = browser.App.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null && g.Code.StartsWith("320214")).OrderBy(g => g.Code).First());

        var page = await SignedInMapAsync();
        await page.FillAsync("#q", grid.Name);
        await page.ClickAsync("#search-form button");
        var hit = page.Locator($"#hits li[data-code='{grid.Code}']");
        await Assertions.Expect(hit).ToHaveCountAsync(1);
        await hit.ClickAsync();

        await Assertions.Expect(page.Locator("#district")).ToHaveValueAsync("320214000000");
        await Assertions.Expect(page.Locator($"#map path.selected[data-code='{grid.Code}']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task ApiDocs_OpenInTheBrowser_WithoutTheInternet()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/api-docs");
        await Assertions.Expect(page.GetByText("/api/grids/locate").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Empty(browser.ExternalRequests);
    }
}
