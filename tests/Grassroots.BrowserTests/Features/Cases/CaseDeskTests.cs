using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Grassroots.BrowserTests.Features.Cases;

public class CaseDeskTests(Browser browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> ReportAsync(string who, string district, int n, string category, string description)
    {
        var (lon, lat, _) = PublicSide.PointIn(browser.App, district, n);
        var client = await browser.App.ClientAsync(who);
        var body = new { category, lon, lat, description, urgency = "Normal", source = "Hotline" };
        var created = await (await client.PostAsJsonAsync("/api/cases", body, Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.False(created.GetProperty("linked").GetBoolean());
        return created.GetProperty("id").GetInt64();
    }

    private async Task<IPage> DeskAsync(string username, string hash = "")
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/cases.html" + hash);
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync();
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "Grassroots@2026");
        await page.ClickAsync("#login button");
        await page.EvaluateAsync("() => window.grassrootsCases.ready");
        return page;
    }

    private static async Task ActAsync(IPage page, string action, Dictionary<string, string>? fields = null)
    {
        await page.ClickAsync($"#detail .actions button[data-action='{action}']");
        foreach (var (name, value) in fields ?? [])
        {
            var input = page.Locator($"#detail .action-form [name='{name}']");
            if (await input.EvaluateAsync<string>("e => e.tagName") == "SELECT")
            {
                await input.SelectOptionAsync(value);
            }
            else
            {
                await input.FillAsync(value);
            }
        }

        await page.ClickAsync("#detail .action-form button[type='submit']");
    }

    [Fact]
    public async Task TheCommandCentre_AcceptsRegistersAndDispatchesACase_OnTheDesk_AndEachStepIsRecorded()
    {
        var id = await ReportAsync("lx.center", "320213", 41, "S0106", "小区门口堆放废弃家具");

        var page = await DeskAsync("lx.center");
        var row = page.Locator($"#cases tbody tr[data-id='{id}']");
        await Assertions.Expect(row).ToContainTextAsync("小区门口堆放废弃家具");
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("#detail")).ToHaveAttributeAsync("data-status", "Reported");

        // lx.center takes calls, leads the shift and dispatches; it does not handle or check on site.
        var offered = await page.Locator("#detail .actions button").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.action)");
        Assert.Equal(["accept", "register", "void", "supervise"], offered);

        await ActAsync(page, "accept");
        await Assertions.Expect(page.Locator("#detail")).ToHaveAttributeAsync("data-status", "Accepted");
        await ActAsync(page, "register", new() { ["comment"] = "属实" });
        await Assertions.Expect(page.Locator("#detail")).ToHaveAttributeAsync("data-status", "Registered");
        await ActAsync(page, "dispatch");
        await Assertions.Expect(page.Locator("#detail")).ToHaveAttributeAsync("data-status", "Dispatched");

        // Dispatched to the routed unit, shown by its name.
        var unit = browser.App.WithDb(db => db.Set<Grassroots.Web.Features.Units.HandlingUnit>().Where(u => u.Code == db.Set<Case>().Single(c => c.Id == id).UnitCode).Select(u => u.Name).Single());
        await Assertions.Expect(page.Locator("#detail dl")).ToContainTextAsync(unit);

        var kinds = await page.Locator("#detail table.steps tbody tr").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.kind)");
        Assert.Equal(["Report", "Accept", "Register", "Dispatch"], kinds);
        await Assertions.Expect(page.Locator("#detail table.steps tbody tr[data-kind='Register']")).ToContainTextAsync("属实");
        var stored = browser.App.WithDb(db => db.Set<CaseStep>().Where(s => s.CaseId == id).OrderBy(s => s.Seq).Select(s => s.Kind).ToList());
        Assert.Equal([StepKind.Report, StepKind.Accept, StepKind.Register, StepKind.Dispatch], stored);
        Assert.Empty(browser.ExternalRequests);
    }

    [Fact]
    public async Task AnActionRefusedByTheServer_ShowsWhy_AndChangesNothing()
    {
        var id = await ReportAsync("lx.center", "320213", 43, "S0108", "沿街餐馆油烟直排");
        var page = await DeskAsync("lx.center", "#case=" + id);
        await Assertions.Expect(page.Locator("#detail")).ToHaveAttributeAsync("data-status", "Reported");

        // Someone else voids the case while the page still shows it as reported.
        var other = await browser.App.ClientAsync("lx.center");
        (await other.PostAsJsonAsync($"/api/cases/{id}/void", new { reason = "重复上报" }, Ct)).EnsureSuccessStatusCode();

        await ActAsync(page, "accept");
        await Assertions.Expect(page.Locator("#detail [role='alert']")).ToContainTextAsync("受理未完成");
        Assert.Contains("作废", await page.Locator("#detail [role='alert']").TextContentAsync(), StringComparison.Ordinal);
        var status = browser.App.WithDb(db => db.Set<Case>().Where(c => c.Id == id).Select(c => c.Status).Single());
        Assert.Equal(CaseStatus.Voided, status);
        Assert.Equal(2, browser.App.WithDb(db => db.Set<CaseStep>().Count(s => s.CaseId == id)));
    }

    [Fact]
    public async Task TheList_KeepsToTheAccountsDistrict_AndFiltersByTrafficLight()
    {
        var late = await ReportAsync("lx.center", "320213", 45, "S0110", "沿街晾晒衣物");
        var onTime = await ReportAsync("lx.center", "320213", 47, "S0103", "人行道上有垃圾");
        var elsewhere = await ReportAsync("xw.center", "320214", 5, "S0103", "新吴区路面不洁");
        await browser.App.WithDbAsync(db => db.Set<Case>().Where(c => c.Id == late)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.StageDeadline, DateTime.UtcNow.AddHours(-1)).SetProperty(c => c.StageYellowAt, DateTime.UtcNow.AddHours(-2)), Ct));

        var page = await DeskAsync("lx.center");
        await Assertions.Expect(page.Locator($"#cases tbody tr[data-id='{onTime}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"#cases tbody tr[data-id='{late}'] .light.red")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator($"#cases tbody tr[data-id='{elsewhere}']").CountAsync());

        await page.SelectOptionAsync("#f-light", "red");
        await page.ClickAsync("#filters button[type='submit']");
        await Assertions.Expect(page.Locator($"#cases tbody tr[data-id='{onTime}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"#cases tbody tr[data-id='{late}']")).ToHaveCountAsync(1);
        var lights = await page.Locator("#cases tbody tr").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.light)");
        Assert.All(lights, l => Assert.Equal("red", l));
    }

    [Fact]
    public async Task TheUnitHandlesWithAPhoto_AndTheGridWorkerChecksOnTheDesk()
    {
        var gridCode = browser.App.WithDb(db => db.Users.Single(u => u.UserName == "lx.grid").GridCodes!);
        var grid = browser.App.WithDb(db => db.Set<Grid>().AsNoTracking().Single(g => g.Code == gridCode && g.ValidTo == null));
        var at = Geo.FromWkb(grid.Boundary).InteriorPoint;
        var center = await browser.App.ClientAsync("lx.center");
        var created = await (await center.PostAsJsonAsync("/api/cases", new { category = "S0111", lon = at.X, lat = at.Y, description = "垃圾桶满溢无人清运", source = "Hotline" }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();
        foreach (var action in new[] { "accept", "register", "dispatch" })
        {
            (await center.PostAsJsonAsync($"/api/cases/{id}/{action}", new { }, Ct)).EnsureSuccessStatusCode();
        }

        var unitCode = browser.App.WithDb(db => db.Users.Single(u => u.UserName == "lx.unit").UnitCode);
        Assert.Equal(unitCode, browser.App.WithDb(db => db.Set<Case>().Single(c => c.Id == id).UnitCode));

        var unit = await DeskAsync("lx.unit", "#case=" + id);
        await Assertions.Expect(unit.Locator("#detail")).ToHaveAttributeAsync("data-status", "Dispatched");
        var offered = await unit.Locator("#detail .actions button").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.action)");
        Assert.Equal(["start", "feedback", "return", "extend"], offered);
        await ActAsync(unit, "start");
        await Assertions.Expect(unit.Locator("#detail")).ToHaveAttributeAsync("data-status", "InProgress");
        await unit.ClickAsync("#detail .actions button[data-action='feedback']");
        await unit.FillAsync("#detail .action-form [name='result']", "已清运完毕");
        await unit.SetInputFilesAsync("#detail .action-form [name='photos']", new FilePayload { Name = "after.jpg", MimeType = "image/jpeg", Buffer = PublicSide.Jpeg(red: 91) });
        await unit.ClickAsync("#detail .action-form button[type='submit']");
        await Assertions.Expect(unit.Locator("#detail")).ToHaveAttributeAsync("data-status", "Handled");
        await Assertions.Expect(unit.Locator("#detail table.steps tr[data-kind='Feedback'] a.photo")).ToHaveCountAsync(1);
        var stored = browser.App.WithDb(db => db.Set<CaseStep>().Single(s => s.CaseId == id && s.Kind == StepKind.Feedback));
        Assert.Equal("已清运完毕", stored.Result);
        Assert.False(string.IsNullOrEmpty(stored.Photos));

        var worker = await DeskAsync("lx.grid", "#case=" + id);
        await Assertions.Expect(worker.Locator("#detail")).ToHaveAttributeAsync("data-status", "Handled");
        var href = await worker.Locator("#detail table.steps tr[data-kind='Feedback'] a.photo").GetAttributeAsync("href");
        var photo = await worker.APIRequest.GetAsync(browser.BaseUrl + href);
        Assert.Equal(200, photo.Status);
        Assert.Equal("image/jpeg", photo.Headers["content-type"]);
        // A check is never passed by a tap on a default: the result starts unchosen.
        await worker.ClickAsync("#detail .actions button[data-action='verify']");
        await Assertions.Expect(worker.Locator("#detail .action-form [name='done']")).ToHaveValueAsync("");
        await ActAsync(worker, "verify", new() { ["done"] = "true", ["comment"] = "现场已清理" });
        await Assertions.Expect(worker.Locator("#detail")).ToHaveAttributeAsync("data-status", "Verified");
    }

    [Fact]
    public async Task AUnitReturnsAMisdispatchedCase_AndTheDeskShowsItReturned_ThoughTheCaseHasLeftTheUnitsView()
    {
        var (lon, lat, _) = PublicSide.PointIn(browser.App, "320213", 49);
        var center = await browser.App.ClientAsync("lx.center");
        var created = await (await center.PostAsJsonAsync("/api/cases", new { category = "S0112", lon, lat, description = "墙面乱张贴小广告", source = "Hotline" }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();
        foreach (var action in new[] { "accept", "register", "dispatch" })
        {
            (await center.PostAsJsonAsync($"/api/cases/{id}/{action}", new { }, Ct)).EnsureSuccessStatusCode();
        }

        var unit = await DeskAsync("lx.unit", "#case=" + id);
        await Assertions.Expect(unit.Locator("#detail")).ToHaveAttributeAsync("data-status", "Dispatched");
        await ActAsync(unit, "return", new() { ["reason"] = "不属于本单位职责" });
        await Assertions.Expect(unit.Locator("#detail")).ToHaveAttributeAsync("data-status", "Registered");
        await Assertions.Expect(unit.Locator("#detail table.steps tr[data-kind='Return']")).ToContainTextAsync("不属于本单位职责");
        await Assertions.Expect(unit.Locator($"#cases tbody tr[data-id='{id}']")).ToHaveCountAsync(0);
        Assert.Equal(CaseStatus.Registered, browser.App.WithDb(db => db.Set<Case>().Where(c => c.Id == id).Select(c => c.Status).Single()));
    }

    [Fact]
    public async Task ALinkWithoutACaseNumber_OpensNothing_AndCallsNothingElse()
    {
        var page = await DeskAsync("lx.center", "#case=1%2Fcontact");
        var called = new List<string>();
        page.Request += (_, r) => called.Add(r.Url);
        await page.ReloadAsync();
        await page.EvaluateAsync("() => window.grassrootsCases.ready");
        Assert.True(await page.Locator("#detail").IsHiddenAsync());
        Assert.DoesNotContain(called, u => u.Contains("/contact", StringComparison.Ordinal));
    }
}
