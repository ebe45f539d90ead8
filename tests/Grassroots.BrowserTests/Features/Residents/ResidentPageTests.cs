using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Grassroots.BrowserTests.Features.Residents;

public class ResidentPageTests(Browser browser)
{
    private record struct Point(double X, double Y);

    private async Task<IPage> PhoneAsync(string path)
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(browser.BaseUrl + path);
        return page;
    }

    [Fact]
    public async Task AResident_ReportsAProblemOnThePage_WithAPhoto_AndFollowsItByTheCode()
    {
        var (lon, lat, grid) = PublicSide.PointIn(browser.App, "320213", 30);
        var page = await PhoneAsync("/resident/");
        await page.EvaluateAsync("() => window.residentMap.ready");
        await Assertions.Expect(page.Locator("#district")).ToHaveValueAsync("320213000000");

        var at = await page.EvaluateAsync<Point>("([lon, lat]) => window.residentMap.toClient(lon, lat)", new[] { lon, lat });
        await page.Mouse.ClickAsync((float)at.X, (float)at.Y);
        await Assertions.Expect(page.Locator("#place")).ToHaveAttributeAsync("data-grid", grid.Code);
        await Assertions.Expect(page.Locator("#place")).ToContainTextAsync(grid.Name);

        await page.SelectOptionAsync("#category", "B0202");
        await page.SetInputFilesAsync("#photos", new FilePayload { Name = "lamp.jpg", MimeType = "image/jpeg", Buffer = PublicSide.Jpeg(red: 77) });
        await Assertions.Expect(page.Locator("#thumbs img")).ToHaveCountAsync(1);
        await page.FillAsync("#description", "小区门口路灯不亮已有三天");
        await page.FillAsync("#name", "陈阿姨");
        await page.FillAsync("#phone", "13700002222");
        await page.ClickAsync("#submit");

        await Assertions.Expect(page.Locator("#done")).ToBeVisibleAsync();
        var code = (await page.Locator("#tracking-code").TextContentAsync())!;
        Assert.Matches("^[0-9A-Z]{10}$", code);
        var stored = await browser.App.WithDbAsync(db => db.Set<Case>().Include(c => c.Steps).SingleAsync(c => c.TrackingCode == code));
        Assert.Equal((CaseSource.Resident, grid.Code, "13700002222", "陈阿姨"), (stored.Source, stored.GridCode, stored.ReporterPhone, stored.ReporterName));
        Assert.Equal(64, stored.Steps.Single().Photos!.Length);

        await page.ClickAsync("#follow-link");
        await Assertions.Expect(page.Locator("#case")).ToHaveAttributeAsync("data-code", code);
        await Assertions.Expect(page.Locator("#case-status")).ToHaveTextAsync("上报");
        await Assertions.Expect(page.Locator("#timeline li").First).ToContainTextAsync("已上报");
        var photo = page.Locator("#timeline li img").First;
        await Assertions.Expect(photo).ToHaveAttributeAsync("src", $"/api/public/photos/{stored.Steps.Single().Photos}");
        Assert.True(await photo.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 16"));
        var text = await page.Locator("#case").TextContentAsync();
        Assert.DoesNotContain("13700002222", text, StringComparison.Ordinal);
        Assert.DoesNotContain("陈阿姨", text, StringComparison.Ordinal);
        Assert.Empty(browser.ExternalRequests);
    }

    [Fact]
    public async Task AClosedCase_CanBeRatedOnThePage_AndDissatisfiedReopensIt()
    {
        var (lon, lat, _) = PublicSide.PointIn(browser.App, "320213", 31);
        var code = await PublicSide.ReportAsync(browser.App.CreateClient(), "B0203", lon, lat);
        await PublicSide.CloseAsync(browser.App, code);

        var page = await PhoneAsync($"/resident/#follow={code}");
        await Assertions.Expect(page.Locator("#case-status")).ToHaveTextAsync("结案");
        await Assertions.Expect(page.Locator("#timeline li")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("已更换灯泡，路灯恢复");
        Assert.DoesNotContain("李四", await page.Locator("#timeline").TextContentAsync(), StringComparison.Ordinal);

        await page.CheckAsync("input[name=rating][value=不满意]");
        await page.FillAsync("#rate-comment", "灯还是不亮");
        await page.ClickAsync("#rate-form button");
        await Assertions.Expect(page.Locator("#case")).ToHaveAttributeAsync("data-status", "Dispatched");
        await Assertions.Expect(page.Locator("#timeline li").Last).ToContainTextAsync("已重新办理");
        await Assertions.Expect(page.Locator("#rate-form")).ToBeHiddenAsync();
        Assert.Equal(CaseStatus.Dispatched, await browser.App.WithDbAsync(db => db.Set<Case>().Where(c => c.TrackingCode == code).Select(c => c.Status).SingleAsync()));
    }

    [Fact]
    public async Task AnUnknownCode_SaysSo()
    {
        var page = await PhoneAsync("/resident/#follow");
        await page.FillAsync("#code", "ZZZZZZZZZZ");
        await page.ClickAsync("#follow-form button");
        await Assertions.Expect(page.Locator("#follow-error")).ToContainTextAsync("没有查询码为 ZZZZZZZZZZ 的案件");
    }
}
