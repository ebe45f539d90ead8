using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Spatial;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Accounts;

/// <summary>
/// Every endpoint × every demo account (all nine roles) and no account × inside and outside the account's
/// scope, each answer proved. An endpoint with no rule, or with no sample here, fails the test.
/// </summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private static readonly string[] Accounts = ["admin", "lx.center", "xw.center", "lx.unit", "lx.grid", "lx.secretary", "assessor", "leader"];

    private readonly MatrixApp app = new();
    private Places places = null!;
    private List<string> categories = [];
    private int nextCategory;
    private Grid insideGrid = null!;
    private Grid outsideGrid = null!;
    private string otherInside = "";
    private string otherOutside = "";

    /// <summary>Each report another category, so that none joins an earlier one and every success is a new case.</summary>
    private object NewReport(double lon, double lat) =>
        new { category = categories[nextCategory++ % categories.Count], lon, lat, description = "矩阵测试上报", urgency = "Normal", source = "GridWorker" };

    private sealed class MatrixApp() : GrassrootsApp("Small", new Dictionary<string, string>
    {
        ["Security:SignInPerMinute"] = "10000",
        ["Security:PublicPerMinute"] = "10000",
    });

    /// <summary>Inside: the community every 梁溪 demo account can see. Outside: a community of 新吴区, outside those accounts' scope.</summary>
    private sealed record Places(string Community, string Street, string OrgInside, string OutsideCommunity, double Lon, double Lat, string CommunityName, string InsidePath, string OutsidePath, string PersonInside, string PersonOutside, long CaseInside, long CaseOutside, double OutsideLon, double OutsideLat)
    {
        public string PhotoInside { get; init; } = "";
        public string PhotoOutside { get; init; } = "";
        public string TrackingInside { get; init; } = "";
        public string Open311Key { get; init; } = "";
    }

    private sealed record Req(HttpMethod Method, string Url, object? Body = null, string? Csv = null, Func<HttpContent>? Content = null);

    /// <summary>How to call an endpoint inside every account's scope, outside it (if the endpoint addresses a place), and what success is.</summary>
    private sealed record Sample(Func<Places, Task<Req>> Inside, Func<Places, Task<Req>>? Outside, HttpStatusCode Success);

    private static Func<Places, Task<Req>> Get(Func<Places, string> url) => p => Task.FromResult(new Req(HttpMethod.Get, url(p)));

    private Dictionary<string, Sample> Samples() => new()
    {
        ["GET /health"] = new(Get(_ => "/health"), null, HttpStatusCode.OK),
        ["GET /openapi/{documentName}.json"] = new(Get(_ => "/openapi/v1.json"), null, HttpStatusCode.OK),
        ["GET /api-docs/{documentName?}"] = new(Get(_ => "/api-docs/v1"), null, HttpStatusCode.OK),
        ["GET /api-docs/scalar.js"] = new(Get(_ => "/api-docs/scalar.js"), null, HttpStatusCode.OK),
        ["GET /api-docs/scalar.aspnetcore.js"] = new(Get(_ => "/api-docs/scalar.aspnetcore.js"), null, HttpStatusCode.OK),
        ["GET /api-docs/favicon.svg"] = new(Get(_ => "/api-docs/favicon.svg"), null, HttpStatusCode.OK),
        ["POST /api/auth/token"] = new(_ => Task.FromResult(new Req(HttpMethod.Post, "/api/auth/token", new { username = "leader", password = DemoAccounts.Password })), null, HttpStatusCode.OK),
        ["POST /api/auth/login"] = new(_ => Task.FromResult(new Req(HttpMethod.Post, "/api/auth/login", new { username = "leader", password = DemoAccounts.Password })), null, HttpStatusCode.OK),
        ["POST /api/auth/logout"] = new(_ => Task.FromResult(new Req(HttpMethod.Post, "/api/auth/logout")), null, HttpStatusCode.NoContent),
        ["GET /api/auth/me"] = new(Get(_ => "/api/auth/me"), null, HttpStatusCode.OK),
        ["GET /api/auth/antiforgery"] = new(Get(_ => "/api/auth/antiforgery"), null, HttpStatusCode.OK),
        ["GET /api/admin/accounts"] = new(Get(_ => "/api/admin/accounts"), null, HttpStatusCode.OK),
        ["POST /api/admin/accounts"] = new(
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/admin/accounts", NewAccount(p.Community))),
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/admin/accounts", NewAccount(p.OutsideCommunity))),
            HttpStatusCode.Created),
        ["GET /api/admin/api-keys"] = new(Get(_ => "/api/admin/api-keys"), null, HttpStatusCode.OK),
        ["POST /api/admin/api-keys"] = new(
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/admin/api-keys", new { name = "hotline", roles = new[] { Roles.Intake }, regionCode = p.Community })),
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/admin/api-keys", new { name = "hotline", roles = new[] { Roles.Intake }, regionCode = p.OutsideCommunity })),
            HttpStatusCode.Created),
        ["DELETE /api/admin/api-keys/{id:guid}"] = new(
            async p => new Req(HttpMethod.Delete, $"/api/admin/api-keys/{await NewKeyAsync(p.Community)}"),
            async p => new Req(HttpMethod.Delete, $"/api/admin/api-keys/{await NewKeyAsync(p.OutsideCommunity)}"),
            HttpStatusCode.NoContent),
        ["GET /api/regions"] = new(Get(p => $"/api/regions?parent={p.Community}"), Get(p => $"/api/regions?parent={p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/regions/{code}"] = new(Get(p => $"/api/regions/{p.Community}"), Get(p => $"/api/regions/{p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/grids"] = new(Get(p => $"/api/grids?region={p.Community}"), Get(p => $"/api/grids?region={p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/grids/locate"] = new(Get(p => FormattableString.Invariant($"/api/grids/locate?lon={p.Lon}&lat={p.Lat}")), null, HttpStatusCode.OK),
        ["GET /api/orgs"] = new(Get(p => $"/api/orgs?parent={p.OrgInside}"), Get(p => $"/api/orgs?parent={p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/orgs/{code}"] = new(Get(p => $"/api/orgs/{p.OrgInside}"), Get(p => $"/api/orgs/{p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/compounds"] = new(Get(p => $"/api/compounds?region={p.Community}"), Get(p => $"/api/compounds?region={p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/search"] = new(Get(p => $"/api/search?q={Uri.EscapeDataString(p.CommunityName)}"), null, HttpStatusCode.OK),
        ["POST /api/import/{kind}"] = new(
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/import/compounds", Csv: CompoundCsv(p.Community, p))),
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/import/compounds", Csv: CompoundCsv(p.OutsideCommunity, p))),
            HttpStatusCode.OK),
        ["GET /api/export/{kind}"] = new(Get(_ => "/api/export/orgs?format=csv"), null, HttpStatusCode.OK),
        ["GET /api/people/{code}"] = new(Get(p => $"/api/people/{p.PersonInside}"), Get(p => $"/api/people/{p.PersonOutside}"), HttpStatusCode.OK),
        ["GET /api/people/{code}/contact"] = new(Get(p => $"/api/people/{p.PersonInside}/contact"), Get(p => $"/api/people/{p.PersonOutside}/contact"), HttpStatusCode.OK),
        ["GET /api/people/{code}/personal-data"] = new(Get(p => $"/api/people/{p.PersonInside}/personal-data"), Get(p => $"/api/people/{p.PersonOutside}/personal-data"), HttpStatusCode.OK),
        ["POST /api/cases"] = new(
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/cases", NewReport(p.Lon, p.Lat))),
            p => Task.FromResult(new Req(HttpMethod.Post, "/api/cases", NewReport(p.OutsideLon, p.OutsideLat))),
            HttpStatusCode.Created),
        ["GET /api/cases/"] = new(Get(p => $"/api/cases?region={p.Community}"), Get(p => $"/api/cases?region={p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/cases/{id:long}"] = new(Get(p => $"/api/cases/{p.CaseInside}"), Get(p => $"/api/cases/{p.CaseOutside}"), HttpStatusCode.OK),
        ["GET /api/cases/reporter-data"] = new(Get(_ => "/api/cases/reporter-data?phone=13900001111"), null, HttpStatusCode.OK),
        ["GET /api/cases/{id:long}/contact"] = new(Get(p => $"/api/cases/{p.CaseInside}/contact"), Get(p => $"/api/cases/{p.CaseOutside}/contact"), HttpStatusCode.OK),
        ["POST /api/cases/{id:long}/accept"] = Act("accept", null, Reported),
        ["POST /api/cases/{id:long}/register"] = Act("register", null, Reported),
        ["POST /api/cases/{id:long}/void"] = Act("void", _ => new { reason = "矩阵测试作废" }, Reported),
        ["POST /api/cases/{id:long}/dispatch"] = Act("dispatch", null, (c, a, t, _) => c.Register(a, t)),
        ["POST /api/cases/{id:long}/joint"] = Act("joint", inside => new { cooperating = new[] { new { unit = inside ? otherInside : otherOutside, task = "协助清理" } } }, Dispatched),
        ["POST /api/cases/{id:long}/start"] = Act("start", null, Dispatched),
        ["POST /api/cases/{id:long}/task"] = Act("task", _ => new { result = "任务完成" }, (c, a, t, inside) =>
        {
            c.Register(a, t);
            c.Dispatch(a, t, inside ? otherInside : otherOutside, t.AddHours(4));
            c.AssignJoint(a, t, [(inside ? "320213-CGJ" : "320214-CGJ", "协助清理")]);
        }),
        ["POST /api/cases/{id:long}/return"] = Act("return", _ => new { reason = "不属于本单位" }, Dispatched),
        ["POST /api/cases/{id:long}/feedback"] = Act("feedback", _ => new { result = "已处置" }, Dispatched),
        ["POST /api/cases/{id:long}/verify"] = Act("verify", _ => new { done = true }, Handled),
        ["POST /api/cases/{id:long}/close"] = Act("close", _ => new { outcome = "Fixed" }, (c, a, t, inside) =>
        {
            Handled(c, a, t, inside);
            c.Verify(a, t, true, null, t.AddHours(1));
        }),
        ["POST /api/cases/{id:long}/extend"] = Act("extend", _ => new { workingDays = 1, reason = "需协调" }, Dispatched),
        ["POST /api/cases/{id:long}/extension"] = Act("extension", _ => new { approve = true }, (c, a, t, inside) =>
        {
            Dispatched(c, a, t, inside);
            c.AskExtension(a with { Unit = null }, t, t.AddDays(3), "需协调");
        }),
        ["POST /api/cases/{id:long}/park"] = Act("park", _ => new { reason = "暂缓" }, (c, a, t, _) => c.Register(a, t)),
        ["POST /api/cases/{id:long}/resume"] = Act("resume", null, (c, a, t, _) =>
        {
            c.Register(a, t);
            c.Park(a, t, "暂缓");
        }),
        ["POST /api/cases/{id:long}/supervise"] = Act("supervise", _ => new { level = "Red" }, Dispatched),
        ["POST /api/cases/{id:long}/rate"] = Act("rate", _ => new { rating = "Satisfied" }, Closed),
        ["POST /api/cases/{id:long}/reopen"] = Act("reopen", _ => new { reason = "群众反映未解决" }, Closed),
        ["GET /api/kpis/"] = new(Get(p => $"/api/kpis?node={p.Community}"), Get(p => $"/api/kpis?node={p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/kpis/ranking"] = new(Get(_ => "/api/kpis/ranking?level=street"), null, HttpStatusCode.OK),
        ["GET /api/audit/"] = new(Get(_ => "/api/audit"), null, HttpStatusCode.OK),
        ["GET /api/audit/verify"] = new(Get(_ => "/api/audit/verify"), null, HttpStatusCode.OK),
        ["GET /api/calendar/{year:int}"] = new(Get(_ => "/api/calendar/2025"), null, HttpStatusCode.OK),
        ["GET /api/calendar/deadline"] = new(Get(_ => "/api/calendar/deadline?from=2025-01-27T10:00:00%2B08:00&workingDays=1"), null, HttpStatusCode.OK),
        ["PUT /api/calendar/{year:int}"] = new(
            _ => Task.FromResult(new Req(HttpMethod.Put, "/api/calendar/2030", new { holidays = new[] { new { date = "2030-01-01", name = "元旦" } }, workdays = Array.Empty<object>() })),
            null,
            HttpStatusCode.OK),
        ["PUT /api/units/{code}/working-periods"] = new(
            _ => Task.FromResult(new Req(HttpMethod.Put, "/api/units/320213-CGJ/working-periods", new { periods = new[] { "08:30-12:00", "13:30-17:30" } })),
            _ => Task.FromResult(new Req(HttpMethod.Put, "/api/units/320214-CGJ/working-periods", new { periods = new[] { "08:30-12:00", "13:30-17:30" } })),
            HttpStatusCode.OK),
        ["GET /api/units"] = new(Get(p => $"/api/units?region={p.Community}"), Get(p => $"/api/units?region={p.OutsideCommunity}"), HttpStatusCode.OK),
        ["GET /api/categories/"] = new(Get(_ => "/api/categories"), null, HttpStatusCode.OK),
        ["GET /api/categories/{code}"] = new(Get(_ => "/api/categories/S0101"), null, HttpStatusCode.OK),
        ["GET /api/categories/export"] = new(Get(_ => "/api/categories/export"), null, HttpStatusCode.OK),
        ["POST /api/categories/import"] = new(
            _ => Task.FromResult(new Req(HttpMethod.Post, "/api/categories/import", Csv: System.Text.Encoding.UTF8.GetString(Grassroots.Web.Features.Categories.CategoryFile.Shipped()))),
            null,
            HttpStatusCode.OK),
        ["POST /api/photos"] = new(_ => Task.FromResult(new Req(HttpMethod.Post, "/api/photos", Content: PhotoForm)), null, HttpStatusCode.OK),
        ["GET /api/photos/{hash}"] = new(Get(p => $"/api/photos/{p.PhotoInside}"), Get(p => $"/api/photos/{p.PhotoOutside}"), HttpStatusCode.OK),
        ["POST /api/public/photos"] = new(_ => Task.FromResult(new Req(HttpMethod.Post, "/api/public/photos", Content: PhotoForm)), null, HttpStatusCode.OK),
        ["GET /api/public/photos/{hash}"] = new(Get(p => $"/api/public/photos/{p.PhotoOutside}"), null, HttpStatusCode.OK),
        ["GET /api/public/districts"] = new(Get(_ => "/api/public/districts"), null, HttpStatusCode.OK),
        ["GET /api/public/grids"] = new(Get(_ => "/api/public/grids?district=320214000000"), null, HttpStatusCode.OK),
        ["POST /api/public/reports"] = new(p => Task.FromResult(new Req(HttpMethod.Post, "/api/public/reports", NewReport(p.Lon, p.Lat))), null, HttpStatusCode.Created),
        ["GET /api/public/cases/{trackingCode}"] = new(Get(p => $"/api/public/cases/{p.TrackingInside}"), null, HttpStatusCode.OK),
        ["POST /api/public/cases/{trackingCode}/rate"] = new(
            async p => new Req(HttpMethod.Post, $"/api/public/cases/{await ClosedCaseAsync(p)}/rate", new { rating = "满意" }), null, HttpStatusCode.OK),
        ["GET /open311/v2/discovery.{format}"] = new(Get(_ => "/open311/v2/discovery.xml"), null, HttpStatusCode.OK),
        ["GET /open311/v2/services.{format}"] = new(Get(_ => "/open311/v2/services.json"), null, HttpStatusCode.OK),
        ["GET /open311/v2/services/{code}.{format}"] = new(Get(_ => "/open311/v2/services/S0101.xml"), null, HttpStatusCode.OK),
        ["POST /open311/v2/requests.{format}"] = new(p => Task.FromResult(new Req(HttpMethod.Post, "/open311/v2/requests.json", Content: () => Open311Form(p))), null, HttpStatusCode.Created),
        ["GET /open311/v2/tokens/{token}.{format}"] = new(Get(p => $"/open311/v2/tokens/{p.TrackingInside}.json"), null, HttpStatusCode.OK),
        ["GET /open311/v2/requests.{format}"] = new(Get(_ => "/open311/v2/requests.xml?status=open"), null, HttpStatusCode.OK),
        ["GET /open311/v2/requests/{id}.{format}"] = new(Get(p => $"/open311/v2/requests/{p.CaseOutside}.json?extensions=true"), null, HttpStatusCode.OK),
        ["GET /open311/v2/servicerequestupdates.{format}"] = new(Get(_ => "/open311/v2/servicerequestupdates.xml"), null, HttpStatusCode.OK),
    };

    private delegate void Advance(Grassroots.Web.Features.Cases.Case c, Grassroots.Web.Features.Cases.StepActor actor, DateTime now, bool inside);

    private static void Reported(Grassroots.Web.Features.Cases.Case c, Grassroots.Web.Features.Cases.StepActor a, DateTime t, bool inside)
    {
    }

    private static void Dispatched(Grassroots.Web.Features.Cases.Case c, Grassroots.Web.Features.Cases.StepActor a, DateTime t, bool inside)
    {
        c.Register(a, t);
        c.Dispatch(a, t, inside ? "320213-CGJ" : "320214-CGJ", t.AddHours(4));
    }

    private static void Handled(Grassroots.Web.Features.Cases.Case c, Grassroots.Web.Features.Cases.StepActor a, DateTime t, bool inside)
    {
        Dispatched(c, a, t, inside);
        c.Feedback(a with { Unit = null }, t, "已处置", t.AddHours(1));
    }

    private static void Closed(Grassroots.Web.Features.Cases.Case c, Grassroots.Web.Features.Cases.StepActor a, DateTime t, bool inside)
    {
        Handled(c, a, t, inside);
        c.Verify(a, t, true, null, t.AddHours(1));
        c.Close(a, t, Grassroots.Web.Features.Cases.CaseOutcome.Fixed);
    }

    /// <summary>A workflow action: each call gets a fresh case brought to the state the action needs, inside and outside.</summary>
    private Sample Act(string action, Func<bool, object>? body, Advance advance) => new(
        async _ => new Req(HttpMethod.Post, $"/api/cases/{await StagedCaseAsync(insideGrid, true, advance)}/{action}", body?.Invoke(true) ?? new { }),
        async _ => new Req(HttpMethod.Post, $"/api/cases/{await StagedCaseAsync(outsideGrid, false, advance)}/{action}", body?.Invoke(false) ?? new { }),
        HttpStatusCode.OK);

    private async Task<long> StagedCaseAsync(Grid grid, bool inside, Advance advance)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>();
        var now = DateTime.UtcNow;
        var actor = new Grassroots.Web.Features.Cases.StepActor("test", Roles.Dispatcher);
        var c = Grassroots.Web.Features.Cases.Case.Report("S0103", Grassroots.Web.Features.Categories.Urgency.Normal, Grassroots.Web.Features.Cases.CaseSource.GridWorker, 120.3, 31.5, grid.Code, grid.RegionPath, "矩阵测试", actor, now, now.AddMinutes(30));
        c.RoutedUnitCode = inside ? "320213-CGJ" : "320214-CGJ";
        advance(c, actor, now, inside);
        db.Add(c);
        await db.SaveChangesAsync();
        return c.Id;
    }

    private static HttpContent PhotoForm() => PublicSide.Form(("photo.jpg", PublicSide.Jpeg(red: 99), "image/jpeg"));

    private FormUrlEncodedContent Open311Form(Places p) => new(new Dictionary<string, string>
    {
        ["api_key"] = p.Open311Key,
        ["service_code"] = categories[nextCategory++ % categories.Count],
        ["lat"] = p.Lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["long"] = p.Lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["description"] = "矩阵测试 Open311",
    });

    /// <summary>A closed case to rate: each rating needs one of its own.</summary>
    private async Task<string> ClosedCaseAsync(Places p)
    {
        var (lon, lat) = (p.Lon, p.Lat);
        var code = await PublicSide.ReportAsync(app.CreateClient(), categories[nextCategory++ % categories.Count], lon, lat);
        await PublicSide.CloseAsync(app, code);
        return code;
    }

    private static string CompoundCsv(string community, Places p) =>
        FormattableString.Invariant($"code,name,community_code,lon,lat,households,branch_org_code\n{community}X99,矩阵测试小区,{community},{p.Lon},{p.Lat},120,\n");

    private static object NewAccount(string region) =>
        new { username = "u" + Guid.NewGuid().ToString("N")[..12], displayName = "测试", password = DemoAccounts.Password, roles = new[] { Roles.Leader }, regionCode = region };

    private async Task<Guid> NewKeyAsync(string region)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>();
        var path = await db.Set<Region>().IgnoreQueryFilters().Where(r => r.Code == region).Select(r => r.Path).SingleAsync();
        var (key, prefix) = ApiKey.NewKey();
        var stored = new ApiKey { Id = Guid.NewGuid(), Name = "to revoke", Prefix = prefix, Hash = ApiKey.HashOf(key), Roles = Roles.Intake, RegionCode = region, ScopePath = path, CreatedBy = "test", CreatedAt = DateTime.UtcNow };
        db.Set<ApiKey>().Add(stored);
        await db.SaveChangesAsync();
        return stored.Id;
    }

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        var gridCode = app.WithDb(d => d.Users.Single(u => u.UserName == "lx.grid").GridCodes);
        var grid = app.WithDb(db => db.Set<Grid>().AsNoTracking().Single(g => g.Code == gridCode));
        var inside = Geo.FromWkb(grid.Boundary).InteriorPoint;
        var community = app.WithDb(db => db.Set<Region>().AsNoTracking().Single(r => r.Code == grid.CommunityCode));
        var outside = app.WithDb(db => db.Set<Region>().AsNoTracking().Where(r => r.Code.StartsWith("320214") && r.Path.Length > 50).OrderBy(r => r.Code).First());
        var personInside = app.WithDb(db => db.Set<Person>().AsNoTracking().Where(p => p.RegionCode == community.Code).OrderBy(p => p.Code).First().Code);
        var personOutside = app.WithDb(db => db.Set<Person>().AsNoTracking().Where(p => p.RegionCode == outside.Code).OrderBy(p => p.Code).First().Code);
        var outsideGrid = app.WithDb(db => db.Set<Grid>().AsNoTracking().Where(g => g.CommunityCode == outside.Code).OrderBy(g => g.Code).First());
        var caseInside = await AddCaseAsync(grid, "320213-CGJ");
        var caseOutside = await AddCaseAsync(outsideGrid, "320214-CGJ");
        var outsidePoint = Geo.FromWkb(outsideGrid.Boundary).InteriorPoint;
        (insideGrid, this.outsideGrid) = (grid, outsideGrid);
        otherInside = app.WithDb(db => db.Units.IgnoreQueryFilters().Where(u => u.Code.StartsWith("320213-") && u.Code != "320213-CGJ").OrderBy(u => u.Code).First().Code);
        otherOutside = app.WithDb(db => db.Units.IgnoreQueryFilters().Where(u => u.Code.StartsWith("320214-") && u.Code != "320214-CGJ").OrderBy(u => u.Code).First().Code);
        categories = app.WithDb(db => db.Set<Grassroots.Web.Features.Categories.CaseCategory>().Where(c => c.ParentCode != null && c.Active).OrderBy(c => c.Code).Select(c => c.Code).ToList());
        places = new Places(community.Code, community.ParentCode!, community.Code, outside.Code, inside.X, inside.Y, community.Name, community.Path, outside.Path, personInside, personOutside, caseInside, caseOutside, outsidePoint.X, outsidePoint.Y)
        {
            PhotoInside = await PhotoOfAsync(caseInside),
            PhotoOutside = await PhotoOfAsync(caseOutside),
            TrackingInside = app.WithDb(db => db.Set<Grassroots.Web.Features.Cases.Case>().Single(c => c.Id == caseInside).TrackingCode),
            Open311Key = await Open311KeyAsync(),
        };
    }

    /// <summary>A case in the grid, dispatched to the unit: inside the lx.grid and lx.unit scopes when it is theirs. Its report carries a photo of its own.</summary>
    private async Task<long> AddCaseAsync(Grid grid, string unit)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>();
        var now = DateTime.UtcNow;
        var actor = new Grassroots.Web.Features.Cases.StepActor("test", Roles.GridWorker);
        var bytes = PublicSide.Jpeg(red: unit.StartsWith("320213", StringComparison.Ordinal) ? (byte)1 : (byte)2);
        var photo = Grassroots.Web.Features.Photos.Photo.Inspect(bytes, "image/jpeg");
        await scope.ServiceProvider.GetRequiredService<Grassroots.Web.Features.Photos.IPhotoStore>().SaveAsync(photo, bytes);
        var c = Grassroots.Web.Features.Cases.Case.Report("0101", Grassroots.Web.Features.Categories.Urgency.Normal, Grassroots.Web.Features.Cases.CaseSource.GridWorker, 120.3, 31.5, grid.Code, grid.RegionPath, "矩阵测试", actor, now, now.AddMinutes(30), photo.Hash);
        c.Register(actor, now);
        c.Dispatch(actor, now, unit, now.AddHours(4));
        (c.ReporterName, c.ReporterPhone) = ("赵六", "13900001111");
        db.Add(c);
        await db.SaveChangesAsync();

        // Its tracking code, as intake makes it: the id the save gave, enciphered.
        c.TrackingCode = scope.ServiceProvider.GetRequiredService<Grassroots.Web.Features.Cases.TrackingCodes>().Cipher.New(c.Id);
        await db.SaveChangesAsync();
        return c.Id;
    }

    private Task<string> PhotoOfAsync(long caseId) =>
        app.WithDbAsync(db => db.Set<Grassroots.Web.Features.Cases.CaseStep>().Where(s => s.CaseId == caseId && s.Seq == 1).Select(s => s.Photos!).SingleAsync());

    /// <summary>An Open311 client's key: the hotline's intake role, for the whole city.</summary>
    private async Task<string> Open311KeyAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>();
        var (key, prefix) = ApiKey.NewKey();
        db.Set<ApiKey>().Add(new ApiKey { Id = Guid.NewGuid(), Name = "open311", Prefix = prefix, Hash = ApiKey.HashOf(key), Roles = Roles.Intake, RegionCode = "320200000000", ScopePath = "320200000000/", CreatedBy = "test", CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return key;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private List<(string Key, IReadOnlyList<string> Methods, EndpointMetadataCollection Metadata)> Endpoints() =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e, methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .SelectMany(x => x.methods.Select(m => ($"{m} {x.e.RoutePattern.RawText}", (IReadOnlyList<string>)x.methods, x.e.Metadata)))];

    [Fact]
    public void EveryEndpoint_DeclaresAPermissionOrThatItIsPublic_AndHasASampleHere()
    {
        var samples = Samples();
        var missing = Endpoints()
            .Where(e => (e.Metadata.GetMetadata<RequiresPermission>() is null && e.Metadata.GetMetadata<PublicEndpoint>() is null) || !samples.ContainsKey(e.Key))
            .Select(e => e.Key)
            .ToList();
        Assert.True(missing.Count == 0, "Endpoints without a rule or without a sample in the access matrix: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task EveryEndpoint_AnswersEveryRole_AsThePermissionTableSays()
    {
        var samples = Samples();
        var wrong = new List<string>();
        var clients = new Dictionary<string, HttpClient> { ["(anonymous)"] = app.CreateClient(new() { HandleCookies = false }) };
        foreach (var account in Accounts)
        {
            clients[account] = await app.ClientAsync(account);
        }

        var rolesOf = Accounts.ToDictionary(a => a, a => app.WithDb(db =>
            (from u in db.Users
             join ur in db.UserRoles on u.Id equals ur.UserId
             join r in db.Roles on ur.RoleId equals r.Id
             where u.UserName == a
             select r.Name!).ToList()));
        var scopeOf = Accounts.ToDictionary(a => a, a => app.WithDb(db => db.Users.Single(u => u.UserName == a).ScopePath));
        Assert.Equal(Roles.All.Order(), rolesOf.Values.SelectMany(r => r).Distinct().Order());

        foreach (var (key, _, metadata) in Endpoints())
        {
            var sample = samples[key];
            var permission = metadata.GetMetadata<RequiresPermission>()?.Permission;
            foreach (var (who, client) in clients)
            {
                var allowed = permission is null || (who != "(anonymous)" && rolesOf[who].Intersect(PermissionTable.RolesFor(permission.Value)).Any());
                var expected = permission is not null && who == "(anonymous)" ? HttpStatusCode.Unauthorized
                    : !allowed ? HttpStatusCode.Forbidden
                    : sample.Success;
                // A place-addressing request outside the account's subtree answers 404, never a hint that it exists.
                HttpStatusCode InScope(string path) =>
                    expected == sample.Success && sample.Outside is not null && who != "(anonymous)" && !path.StartsWith(scopeOf[who], StringComparison.Ordinal)
                        ? HttpStatusCode.NotFound
                        : expected;
                await Check(key, who, "inside", client, await sample.Inside(places), InScope(places.InsidePath), wrong);

                if (sample.Outside is not null)
                {
                    await Check(key, who, "outside", client, await sample.Outside(places), InScope(places.OutsidePath), wrong);
                }
            }
        }

        Assert.True(wrong.Count == 0, "Answers that break the permission table or the scope:\n" + string.Join('\n', wrong));
    }

    private static async Task Check(string key, string who, string where, HttpClient client, Req req, HttpStatusCode expected, List<string> wrong)
    {
        using var message = new HttpRequestMessage(req.Method, req.Url);
        if (req.Body is not null)
        {
            message.Content = JsonContent.Create(req.Body);
        }
        else if (req.Content is not null)
        {
            message.Content = req.Content();
        }
        else if (req.Csv is not null)
        {
            message.Content = new StringContent(req.Csv, System.Text.Encoding.UTF8, "text/csv");
        }

        using var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            wrong.Add($"{key} as {who} ({where}): expected {(int)expected}, got {(int)response.StatusCode} {body[..Math.Min(200, body.Length)]}");
        }
    }
}
