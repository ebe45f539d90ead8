using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Cases;

public sealed class IntakeApp() : GrassrootsApp("Small");

public class ReportCaseTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A point inside the grid worker's own grid, and the grid.</summary>
    private (double Lon, double Lat, Grid Grid) InLxGrid(int offsetMeters = 0)
    {
        var code = app.WithDb(db => db.Users.Single(u => u.UserName == "lx.grid").GridCodes!);
        var grid = app.WithDb(db => db.Set<Grid>().AsNoTracking().Single(g => g.Code == code && g.ValidTo == null));
        var p = Geo.FromWkb(grid.Boundary).InteriorPoint;
        return (p.X + offsetMeters / 95_000.0, p.Y, grid);
    }

    private static object Report(string category, double lon, double lat, string source = "GridWorker", string urgency = "Normal", string description = "路边堆放生活垃圾") =>
        new { category, lon, lat, description, urgency, source };

    [Fact]
    public async Task AReport_IsLocatedRoutedAndTimed_AndOpensACase()
    {
        var (lon, lat, grid) = InLxGrid();
        var before = DateTime.UtcNow;
        var response = await (await app.ClientAsync("lx.grid")).PostAsJsonAsync("/api/cases", Report("S0103", lon, lat), Ct);
        var body = await response.JsonAsync(HttpStatusCode.Created);

        Assert.False(body.GetProperty("linked").GetBoolean());
        Assert.Equal("Reported", body.GetProperty("status").GetString());
        Assert.Equal(grid.Code, body.GetProperty("grid").GetProperty("code").GetString());
        Assert.Equal(grid.CommunityCode, body.GetProperty("community").GetProperty("code").GetString());
        Assert.Equal("320213000000", body.GetProperty("district").GetProperty("code").GetString());
        Assert.Equal("320213-CGJ", body.GetProperty("responsibleUnit").GetProperty("code").GetString());
        Assert.Matches("^[0-9A-Z]{10}$", body.GetProperty("trackingCode").GetString());

        // 道路不洁, normal, urban: dispatched within 30 minutes, handled within 2 working hours after that.
        var register = body.GetProperty("registerDeadline").GetDateTime().ToUniversalTime();
        Assert.InRange(register, before.AddMinutes(30), DateTime.UtcNow.AddMinutes(30));
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);
        Assert.Equal(calendar.AddWorkingHours(new DateTimeOffset(register), 2).UtcDateTime, body.GetProperty("expectedDeadline").GetDateTime().ToUniversalTime());

        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/cases/{id}", response.Headers.Location?.OriginalString);
        var stored = await app.WithDbAsync(db => db.Set<Case>().Include(c => c.Steps).SingleAsync(c => c.Id == id, Ct));
        Assert.Equal(("320213-CGJ", CaseSource.GridWorker, "lx.grid"), (stored.RoutedUnitCode, stored.Source, stored.Steps.Single().Actor));
        Assert.True(await app.WithDbAsync(db => db.Set<Grassroots.Web.Features.Audit.AuditEntry>().AnyAsync(e => e.Target == "case:" + id && e.Operation == "cases.report", Ct)));
    }

    [Fact]
    public async Task Routing_GoesToTheUtility_OrToTheStreetOffice_ByTheCategory()
    {
        var (lon, lat, grid) = InLxGrid();
        var leader = await app.ClientAsync("leader");
        var utility = await (await leader.PostAsJsonAsync("/api/cases", Report("B0101", lon, lat, "Leader", description: "上水井盖破损"), Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("320200-SW", utility.GetProperty("responsibleUnit").GetProperty("code").GetString());

        var street = await (await leader.PostAsJsonAsync("/api/cases", Report("S0110", lon, lat, "Leader", description: "沿街晾晒衣物"), Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(grid.Code[..9] + "-JD", street.GetProperty("responsibleUnit").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ASecondReportNearby_OfTheSameCategory_JoinsTheOpenCase()
    {
        var (lon, lat, _) = InLxGrid();
        var client = await app.ClientAsync("lx.grid");
        var first = await (await client.PostAsJsonAsync("/api/cases", Report("S0102", lon, lat), Ct)).JsonAsync(HttpStatusCode.Created);
        var (lon2, lat2, _) = InLxGrid(offsetMeters: 20);
        var second = await (await client.PostAsJsonAsync("/api/cases", Report("S0102", lon2, lat2, description: "同一处又堆了渣土"), Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.True(second.GetProperty("linked").GetBoolean());
        var id = first.GetProperty("id").GetInt64();
        Assert.Equal(id, second.GetProperty("id").GetInt64());
        var steps = await app.WithDbAsync(db => db.Set<CaseStep>().Where(s => s.CaseId == id).OrderBy(s => s.Seq).Select(s => s.Kind).ToListAsync(Ct));
        Assert.Equal([StepKind.Report, StepKind.Linked], steps);

        var otherCategory = await client.PostAsJsonAsync("/api/cases", Report("S0104", lon2, lat2, description: "另一类问题"), Ct);
        Assert.Equal(HttpStatusCode.Created, otherCategory.StatusCode);
    }

    [Fact]
    public async Task ReportsOfOneSpot_ArrivingTogether_OpenOneCase_AndTheRestJoinIt()
    {
        var (lon, lat, _) = InLxGrid(offsetMeters: 250);
        var client = await app.ClientAsync("lx.center");
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            var response = await client.PostAsJsonAsync("/api/cases", Report("S0108", lon + i / 400_000.0, lat, "Hotline", description: $"井盖周边积水 {i}"), Ct);
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct));
        }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(11, answers.Count(a => a.StatusCode == HttpStatusCode.OK && a.Body.GetProperty("linked").GetBoolean()));
        var id = Assert.Single(answers.Select(a => a.Body.GetProperty("id").GetInt64()).Distinct());
        var steps = await app.WithDbAsync(db => db.Set<CaseStep>().Where(s => s.CaseId == id).Select(s => s.Kind).ToListAsync(Ct));
        Assert.Equal(11, steps.Count(k => k == StepKind.Linked));
    }

    [Fact]
    public async Task AVoidedCase_IsNotJoined_WhileACaseSavedByAnotherPath_Is()
    {
        var (lon, lat, grid) = InLxGrid(offsetMeters: 300);
        var client = await app.ClientAsync("lx.center");
        var first = await (await client.PostAsJsonAsync("/api/cases", Report("S0109", lon, lat, "Hotline"), Ct)).JsonAsync(HttpStatusCode.Created);
        var firstId = first.GetProperty("id").GetInt64();
        var voided = await client.PostAsJsonAsync($"/api/cases/{firstId}/void", new { reason = "误报" }, Ct);
        Assert.Equal(HttpStatusCode.OK, voided.StatusCode);

        // The voided case is no longer open: the same report opens a new case.
        var second = await (await client.PostAsJsonAsync("/api/cases", Report("S0109", lon, lat, "Hotline"), Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(firstId, second.GetProperty("id").GetInt64());

        // A case written outside intake (an import, another tool) is joined like any other.
        var (lon3, lat3, _) = InLxGrid(offsetMeters: 350);
        var communityPath = app.WithDb(db => db.Set<Region>().Single(r => r.Code == grid.CommunityCode).Path);
        var outside = await app.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var c = Case.Report("S0111", Grassroots.Web.Features.Categories.Urgency.Normal, CaseSource.Inspection, lon3, lat3, grid.Code, communityPath, "巡查发现", new StepActor("inspector", "Inspector"), now, now.AddHours(1));
            c.Id = await CaseIds.NextAsync(db, Ct);
            db.Set<Case>().Add(c);
            await db.SaveChangesAsync(Ct);
            return c.Id;
        });
        var third = await (await client.PostAsJsonAsync("/api/cases", Report("S0111", lon3 + 0.0001, lat3, "Hotline"), Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(outside, third.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneIdempotencyKey_CreateOneCase_AndAnswerTheSame()
    {
        var (lon, lat, _) = InLxGrid(offsetMeters: 400);
        var key = Guid.NewGuid().ToString();
        var client = await app.ClientAsync("lx.center");
        var before = await app.WithDbAsync(db => db.Set<Case>().CountAsync(Ct));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/cases") { Content = JsonContent.Create(Report("S0201", lon, lat, "Hotline", description: "违规张贴小广告")) };
            message.Headers.Add("Idempotency-Key", key);
            var response = await client.SendAsync(message, Ct);
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct));
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Single(answers.Select(a => a.Body.GetProperty("id").GetInt64()).Distinct());
        Assert.Single(answers.Select(a => a.Body.GetProperty("trackingCode").GetString()).Distinct());
        Assert.Equal(before + 1, await app.WithDbAsync(db => db.Set<Case>().CountAsync(Ct)));
    }

    [Fact]
    public async Task AReportOutsideTheCity_IsRefusedClearly_AndCreatesNothing()
    {
        var before = await app.WithDbAsync(db => db.Set<Case>().CountAsync(Ct));
        var response = await (await app.ClientAsync("leader")).PostAsJsonAsync("/api/cases", Report("S0101", 116.40, 39.90, "Leader"), Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:grassroots:problem:outside-city", problem.GetProperty("type").GetString());
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<Case>().CountAsync(Ct)));
    }

    [Fact]
    public async Task ABadReport_ListsEveryField_InEitherLanguage()
    {
        var response = await (await app.ClientAsync("leader")).English().PostAsJsonAsync("/api/cases", new { category = "X9999", lon = 500, description = "", urgency = "soon", source = "Pigeon" }, Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, english: true);
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["category", "lon", "lat", "description", "urgency", "source"], fields);
    }

    [Fact]
    public async Task AGridWorker_ReportsOnlyInTheirOwnGrids()
    {
        var other = app.WithDb(db => db.Set<Grid>().AsNoTracking().Where(g => g.Code.StartsWith("320214") && g.ValidTo == null).OrderBy(g => g.Code).First());
        var p = Geo.FromWkb(other.Boundary).InteriorPoint;
        var response = await (await app.ClientAsync("lx.grid")).PostAsJsonAsync("/api/cases", Report("S0101", p.X, p.Y), Ct);
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public void EveryCurrentGrid_IsFoundByItsCode_AndNoOtherCodeIs()
    {
        var snapshot = app.Services.GetRequiredService<RegistryCache>().Current;
        Assert.NotEmpty(snapshot.Grids);
        Assert.All(snapshot.Grids, g => Assert.Same(g, snapshot.Grid(g.Code)));
        Assert.Null(snapshot.Grid(""));
        Assert.Null(snapshot.Grid(snapshot.Grids[0].Code + "0"));
        Assert.Null(snapshot.Grid("999999999999999"));
    }
}

public class ReportCaseDictionaryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANewDictionary_IsUsedByTheNextReport_AtOnce()
    {
        await using var app = new IntakeApp();
        await app.InitializeAsync();
        var code = app.WithDb(db => db.Users.Single(u => u.UserName == "lx.grid").GridCodes!);
        var p = Geo.FromWkb(app.WithDb(db => db.Set<Grid>().AsNoTracking().Single(g => g.Code == code && g.ValidTo == null)).Boundary).InteriorPoint;
        var grid = await app.ClientAsync("lx.grid");
        var report = new { category = "S0103", lon = p.X, lat = p.Y, description = "道路不洁", urgency = "Normal", source = "GridWorker" };
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);

        var first = await (await grid.PostAsJsonAsync("/api/cases", report, Ct)).JsonAsync(HttpStatusCode.Created);
        var register = new DateTimeOffset(first.GetProperty("registerDeadline").GetDateTime().ToUniversalTime());
        Assert.Equal(calendar.AddWorkingHours(register, 2).UtcDateTime, first.GetProperty("expectedDeadline").GetDateTime().ToUniversalTime());

        // 道路不洁 in town: 2 working hours become 3.
        var csv = System.Text.Encoding.UTF8.GetString(Grassroots.Web.Features.Categories.CategoryFile.Shipped())
            .Replace("事件,0103,01003,道路不洁,Unclean street,CGJ,Department,是,10,30,2h,", "事件,0103,01003,道路不洁,Unclean street,CGJ,Department,是,10,30,3h,", StringComparison.Ordinal);
        using var upload = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsync("admin")).PostAsync("/api/categories/import", upload, Ct)).StatusCode);

        // Far enough from the first not to join it, in another urban community.
        var (lon2, lat2) = (p.X + 0.01, p.Y);
        var inside = app.Services.GetRequiredService<RegistryCache>().Current.Locate(lon2, lat2);
        Assert.NotNull(inside);
        Assert.False(inside.Community.Kind.IsRural());
        var third = await (await (await app.ClientAsync("leader")).PostAsJsonAsync("/api/cases", new { category = "S0103", lon = lon2, lat = lat2, description = "另一处道路不洁", urgency = "Normal", source = "Leader" }, Ct)).JsonAsync(HttpStatusCode.Created);
        var register3 = new DateTimeOffset(third.GetProperty("registerDeadline").GetDateTime().ToUniversalTime());
        Assert.Equal(calendar.AddWorkingHours(register3, 3).UtcDateTime, third.GetProperty("expectedDeadline").GetDateTime().ToUniversalTime());
    }
}
