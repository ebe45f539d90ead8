using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Residents;

public class ResidentApiTests(PublicApp app) : IClassFixture<PublicApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AResident_ReportsWithoutAnAccount_AndFollowsTheCaseByItsCode_WithoutAnyPersonalData()
    {
        var resident = app.CreateClient();
        var photo = await PublicSide.UploadAsync(resident, PublicSide.Jpeg(red: 21));
        var (lon, lat, grid) = PublicSide.PointIn(app, "320213", 10);
        var response = await resident.PostAsJsonAsync("/api/public/reports",
            new { category = "B0108", lon, lat, description = "小区门口路灯不亮", name = "王小明", phone = "13812345678", photos = new[] { photo } }, Ct);
        var reported = await response.JsonAsync(HttpStatusCode.Created);
        var code = reported.GetProperty("trackingCode").GetString()!;
        Assert.Equal($"/api/public/cases/{code}", response.Headers.Location?.OriginalString);
        Assert.Equal("上报", reported.GetProperty("statusLabel").GetString());
        Assert.Equal(grid.Name, reported.GetProperty("place").GetProperty("grid").GetString());

        var stored = await app.WithDbAsync(db => db.Set<Case>().SingleAsync(c => c.TrackingCode == code, Ct));
        Assert.Equal((CaseSource.Resident, "王小明", "13812345678"), (stored.Source, stored.ReporterName, stored.ReporterPhone));

        await PublicSide.CloseAsync(app, code);
        var followed = await resident.GetAsync($"/api/public/cases/{code.ToLowerInvariant()}", Ct);
        var text = await followed.Content.ReadAsStringAsync(Ct);
        var body = await followed.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Closed", "结案", false, true), (body.GetProperty("status").GetString(), body.GetProperty("statusLabel").GetString(), body.GetProperty("open").GetBoolean(), body.GetProperty("canRate").GetBoolean()));
        var timeline = body.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["已上报", "已立案", "已派遣至处置单位", "处置单位已反馈", "现场核查通过", "已结案"], timeline.Select(s => s.GetProperty("label").GetString()));
        Assert.Equal($"/api/public/photos/{photo}", timeline[0].GetProperty("photos")[0].GetString());
        Assert.Equal("已更换灯泡，路灯恢复", timeline[3].GetProperty("note").GetString());
        foreach (var secret in new[] { "王小明", "13812345678", "张三", "李四", "王网格", "320213-", "actor", "现场核实已修复" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheSameReportSentTwiceWithAnIdempotencyKey_OpensOneCase()
    {
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 11);
        var client = app.CreateClient();
        async Task<(HttpStatusCode, string)> Send()
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/public/reports")
            {
                Content = JsonContent.Create(new { category = "B0109", lon, lat, description = "垃圾桶破损" }),
            };
            message.Headers.Add("Idempotency-Key", "resident-retry-1");
            var response = await client.SendAsync(message, Ct);
            return (response.StatusCode, (await response.JsonAsync(response.StatusCode)).GetProperty("trackingCode").GetString()!);
        }

        var first = await Send();
        var second = await Send();
        Assert.Equal(first.Item2, second.Item2);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Case>().CountAsync(c => c.CategoryCode == "B0109", Ct)));
    }

    [Fact]
    public async Task AReportOutsideTheCity_IsRefusedWithAClearMessage()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/public/reports", new { category = "B0110", lon = 116.4, lat = 39.9, description = "路面破损" }, Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("不在本市", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rating_AnUnknownCode_Is404_AndAnOpenCase_Is409WithTheRuleMessage()
    {
        var client = app.CreateClient();
        await (await client.PostAsJsonAsync("/api/public/cases/0000000000/rate", new { rating = "满意" }, Ct)).ProblemAsync(HttpStatusCode.NotFound);

        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 12);
        var code = await PublicSide.ReportAsync(client, "B0111", lon, lat);
        var conflict = await (await client.PostAsJsonAsync($"/api/public/cases/{code}/rate", new { rating = "满意" }, Ct)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("案件当前状态为“上报”，不能执行“评价”", conflict.GetProperty("detail").GetString());

        var bad = await (await client.PostAsJsonAsync($"/api/public/cases/{code}/rate", new { rating = "还行" }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("unknown-rating", bad.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    /// <summary>The code is the case id enciphered under the database's key: read out over the phone it still finds the case, and the same id with other random bits finds nothing.</summary>
    [Fact]
    public async Task ACodeReadOutOverThePhone_FindsTheCase_AndACodeForgedForItsIdDoesNot()
    {
        var client = app.CreateClient();
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 16);
        var code = await PublicSide.ReportAsync(client, "B0202", lon, lat);
        var id = await app.WithDbAsync(db => db.Set<Case>().Where(c => c.TrackingCode == code).Select(c => c.Id).SingleAsync(Ct));
        var cipher = new TrackingCodeCipher(await app.WithDbAsync(db => db.Set<PlatformKey>().Select(k => k.Value).SingleAsync(Ct)));
        Assert.True(cipher.TryDecode(code, out var decoded));
        Assert.Equal(id, decoded);

        var typed = (code[..5] + " - " + code[5..]).ToLowerInvariant().Replace('0', 'o').Replace('1', 'l');
        var followed = await (await client.GetAsync($"/api/public/cases/{Uri.EscapeDataString(typed)}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(code, followed.GetProperty("trackingCode").GetString());

        var forged = Enumerable.Range(0, 4).Select(s => cipher.Encode(id, (uint)s)).First(c => c != code);
        await (await client.GetAsync($"/api/public/cases/{forged}", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"/api/public/cases/{forged}/rate", new { rating = "满意" }, Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Satisfied_IsRecordedOnce_AndASecondRatingIsRefused()
    {
        var client = app.CreateClient();
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 13);
        var code = await PublicSide.ReportAsync(client, "B0112", lon, lat);
        await PublicSide.CloseAsync(app, code);

        var rated = await (await client.PostAsJsonAsync($"/api/public/cases/{code}/rate", new { rating = "基本满意", comment = "修得挺快" }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("基本满意", false, "Closed"), (rated.GetProperty("rating").GetString(), rated.GetProperty("canRate").GetBoolean(), rated.GetProperty("status").GetString()));
        Assert.Equal("居民已评价", rated.GetProperty("timeline").EnumerateArray().Last().GetProperty("label").GetString());
        var again = await (await client.PostAsJsonAsync($"/api/public/cases/{code}/rate", new { rating = "满意" }, Ct)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("该案件已评价", again.GetProperty("detail").GetString());
        Assert.True(await app.WithDbAsync(db => db.Set<Grassroots.Web.Features.Audit.AuditEntry>().AnyAsync(e => e.Operation == "cases.rate" && e.Summary == "BasicallySatisfied", Ct)));
    }

    [Fact]
    public async Task Dissatisfied_WithinTheWindow_ReopensAgainstTheClosingUnit_WithAHandlingDeadline()
    {
        var client = app.CreateClient();
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 14);
        var code = await PublicSide.ReportAsync(client, "B0113", lon, lat);
        await PublicSide.CloseAsync(app, code, DateTime.UtcNow.AddDays(-2));

        var rated = await (await client.PostAsJsonAsync($"/api/public/cases/{code}/rate", new { rating = "不满意", comment = "灯还是不亮" }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Dispatched", true), (rated.GetProperty("status").GetString(), rated.GetProperty("open").GetBoolean()));

        var c = await app.WithDbAsync(db => db.Set<Case>().Include(x => x.Steps).SingleAsync(x => x.TrackingCode == code, Ct));
        Assert.Equal((CaseStatus.Dispatched, c.RoutedUnitCode, 1), (c.Status, c.UnitCode, c.ReopenCount));
        var reopened = c.Steps.Single(s => s.Kind == StepKind.Reopen);
        var profile = (await app.Services.GetRequiredService<DeadlineCache>().GetAsync(Ct)).For(c.CategoryCode, c.Urgency, c.Area);
        var clock = new StageClock(await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct), 0.8);
        var expected = clock.Handling(reopened.FinishedAt, profile);
        Assert.Equal(expected.Deadline, c.StageDeadline);
        Assert.Equal(expected.YellowAt, c.StageYellowAt);
        Assert.Equal("已重新办理", rated.GetProperty("timeline").EnumerateArray().Last().GetProperty("label").GetString());
    }

    [Fact]
    public async Task Dissatisfied_AfterTheWindow_IsRecorded_AndTheCaseStaysClosed()
    {
        var client = app.CreateClient();
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 15);
        var code = await PublicSide.ReportAsync(client, "B0201", lon, lat);
        await PublicSide.CloseAsync(app, code, DateTime.UtcNow.AddDays(-8));

        var rated = await (await client.PostAsJsonAsync($"/api/public/cases/{code}/rate", new { rating = "Dissatisfied" }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Closed", "不满意"), (rated.GetProperty("status").GetString(), rated.GetProperty("rating").GetString()));
    }

    [Fact]
    public async Task TheMapData_ListsTheDistricts_AndDrawsADistrictsGrids()
    {
        var client = app.CreateClient();
        var districts = await (await client.GetAsync("/api/public/districts", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["梁溪区", "新吴区"], districts.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        var grids = await (await client.GetAsync("/api/public/grids?district=320213000000", Ct)).JsonAsync(HttpStatusCode.OK);
        var expected = app.WithDb(db => db.Grids.Count(g => g.ValidTo == null && g.Code.StartsWith("320213")));
        Assert.Equal(expected, grids.GetProperty("features").GetArrayLength());
        await (await client.GetAsync("/api/public/grids?district=320213001000", Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class TightPublicLimitApp() : GrassrootsApp("None", new Dictionary<string, string> { ["Security:PublicPerMinute"] = "2" });

public class ResidentRateLimitTests(TightPublicLimitApp app) : IClassFixture<TightPublicLimitApp>
{
    [Fact]
    public async Task ThePublicEndpoints_AreRateLimitedPerClient()
    {
        var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/public/cases/0000000000", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/open311/v2/requests/1.json", ct)).StatusCode);
        var refused = await client.PostAsJsonAsync("/api/public/reports", new { category = "B0101" }, ct);
        await refused.ProblemAsync((HttpStatusCode)429);
        Assert.True(refused.Headers.RetryAfter is not null);
    }
}
