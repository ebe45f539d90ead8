using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Cases;

/// <summary>The small city with duplicate joining off, so every report in these tests opens its own case.</summary>
public sealed class WorkflowApp() : GrassrootsApp("Small", new Dictionary<string, string>
{
    ["Intake:DuplicateWindowHours"] = "0",
    ["Security:SignInPerMinute"] = "100000",
    ["Privacy:ContactRetentionDays"] = "180",
});

/// <summary>
/// The workflow over HTTP as the demo accounts work it: every transition, the refusals (409, nothing changed),
/// the stage deadlines and lights, 会办, the reporter's masked contact data and its erasure.
/// </summary>
public class CaseWorkflowTests(WorkflowApp app) : IClassFixture<WorkflowApp>
{
    private const string LxUnit = "320213-CGJ";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (double Lon, double Lat) InLxGrid()
    {
        var code = app.WithDb(db => db.Users.Single(u => u.UserName == "lx.grid").GridCodes!);
        var grid = app.WithDb(db => db.Set<Grid>().AsNoTracking().Single(g => g.Code == code && g.ValidTo == null));
        var p = Geo.FromWkb(grid.Boundary).InteriorPoint;
        return (p.X, p.Y);
    }

    private async Task<long> ReportAsync(string category = "S0103", object? extra = null)
    {
        var (lon, lat) = InLxGrid();
        var center = await app.ClientAsync("lx.center");
        var body = new Dictionary<string, object?> { ["category"] = category, ["lon"] = lon, ["lat"] = lat, ["description"] = "路面有垃圾", ["source"] = "Hotline" };
        foreach (var p in extra?.GetType().GetProperties() ?? [])
        {
            body[p.Name] = p.GetValue(extra);
        }

        var created = await (await center.PostAsJsonAsync("/api/cases", body, Ct)).JsonAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> ActAsync(string who, long id, string action, object? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var client = await app.ClientAsync(who);
        var response = await client.PostAsJsonAsync($"/api/cases/{id}/{action}", body ?? new { }, Ct);
        return expected == HttpStatusCode.OK ? await response.JsonAsync(expected) : await response.ProblemAsync(expected);
    }

    private Task<Case> LoadAsync(long id) =>
        app.WithDbAsync(db => db.Set<Case>().IgnoreQueryFilters().AsNoTracking().Include(c => c.Steps).SingleAsync(c => c.Id == id, Ct));

    /// <summary>Reported → accepted → registered → dispatched (the routed unit) → started: the unit has it in hand.</summary>
    private async Task<long> InHandAsync(string category = "S0103")
    {
        var id = await ReportAsync(category);
        await ActAsync("lx.center", id, "accept", null);
        await ActAsync("lx.center", id, "register", null);
        await ActAsync("lx.center", id, "dispatch", null);
        await ActAsync("lx.unit", id, "start", null);
        return id;
    }

    private async Task<long> ClosedAsync()
    {
        var id = await InHandAsync();
        await ActAsync("lx.unit", id, "feedback", new { result = "已清扫" });
        await ActAsync("lx.grid", id, "verify", new { done = true });
        await ActAsync("lx.center", id, "close", new { outcome = "Fixed" });
        return id;
    }

    [Fact]
    public async Task ACase_GoesThroughEveryStage_AsTheDemoAccountsWorkIt_WithDeadlinesFromTheCalendar()
    {
        var id = await ReportAsync();
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);

        await ActAsync("lx.center", id, "accept", null);
        await ActAsync("lx.center", id, "register", new { comment = "属实" });
        var dispatched = await ActAsync("lx.center", id, "dispatch", null);
        Assert.Equal("Dispatched", dispatched.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal(LxUnit, dispatched.GetProperty("case").GetProperty("unitCode").GetString());
        var atDispatch = await LoadAsync(id);
        var dispatchStep = atDispatch.Steps.Single(s => s.Kind == StepKind.Dispatch);

        // 道路不洁 (S0103), normal, urban: handled within 2 working hours of the dispatch, yellow at 80 % of them.
        var handling = calendar.AddWorkingHours(new DateTimeOffset(dispatchStep.FinishedAt), 2);
        Assert.Equal(handling.UtcDateTime, atDispatch.StageDeadline);
        Assert.Equal(calendar.AddWorkingMinutes(new DateTimeOffset(dispatchStep.FinishedAt), 96).UtcDateTime, atDispatch.StageYellowAt);
        Assert.Equal("green", dispatched.GetProperty("case").GetProperty("light").GetString());

        await ActAsync("lx.unit", id, "start", null);
        await ActAsync("lx.unit", id, "feedback", new { result = "已清扫干净" });
        var handled = await LoadAsync(id);
        Assert.Equal(CaseStatus.Handled, handled.Status);
        var feedback = handled.Steps.Single(s => s.Kind == StepKind.Feedback);
        Assert.Equal(handling.UtcDateTime, feedback.Deadline);
        Assert.True(feedback.OnTime);
        Assert.Equal((LxUnit, "HandlingUnit", "lx.unit"), (feedback.Unit, feedback.Role, feedback.Actor));

        // The check is due within the category's check minutes of working time.
        Assert.Equal(calendar.AddWorkingMinutes(new DateTimeOffset(feedback.FinishedAt), 60).UtcDateTime, handled.StageDeadline);

        await ActAsync("lx.grid", id, "verify", new { done = true, comment = "现场已整改" });
        await ActAsync("lx.center", id, "close", new { outcome = "Fixed" });
        var rated = await ActAsync("lx.center", id, "rate", new { rating = "满意", comment = "回访满意" });
        Assert.Equal("Satisfied", rated.GetProperty("rating").GetString());
        Assert.Equal("Closed", rated.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, rated.GetProperty("case").GetProperty("light").ValueKind);

        var done = await LoadAsync(id);
        Assert.Equal(
            [StepKind.Report, StepKind.Accept, StepKind.Register, StepKind.Dispatch, StepKind.Start, StepKind.Feedback, StepKind.VerifyPassed, StepKind.Close, StepKind.Rate],
            done.Steps.OrderBy(s => s.Seq).Select(s => s.Kind));
        Assert.Equal(Enumerable.Range(1, 9), done.Steps.OrderBy(s => s.Seq).Select(s => s.Seq));
        Assert.Equal(9, done.StepCount);
        Assert.Equal(CaseOutcome.Fixed, done.Outcome);

        // Every transition wrote its audit entry, and the chain is whole.
        var operations = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Target == "case:" + id).OrderBy(e => e.Seq).Select(e => e.Operation).ToListAsync(Ct));
        Assert.Equal(["cases.report", "cases.accept", "cases.register", "cases.dispatch", "cases.start", "cases.feedback", "cases.verify", "cases.close", "cases.rate"], operations);
        Assert.True((await app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct))).Intact);
    }

    [Fact]
    public async Task AnActionTheStateDoesNotAllow_Is409WithTheReason_AndChangesNothing()
    {
        var id = await ReportAsync();
        var before = await LoadAsync(id);
        var audits = await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(Ct));

        var problem = await ActAsync("lx.center", id, "close", new { outcome = "Fixed" }, HttpStatusCode.Conflict);
        Assert.Contains("上报", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("结案", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("not-allowed-now", problem.GetProperty("type").GetString(), StringComparison.Ordinal);

        await ActAsync("lx.unit", id, "feedback", new { result = "x" }, HttpStatusCode.NotFound); // not the unit's yet: it does not exist for it
        await ActAsync("lx.grid", id, "verify", new { done = true }, HttpStatusCode.Conflict);
        await ActAsync("lx.center", id, "void", new { reason = "" }, HttpStatusCode.Conflict);

        var after = await LoadAsync(id);
        Assert.Equal((before.Status, before.StepCount, before.StageDeadline, before.UpdatedAt), (after.Status, after.StepCount, after.StageDeadline, after.UpdatedAt));
        Assert.Equal(audits, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(Ct)));
    }

    [Fact]
    public async Task TwoSavesOfACaseFromTheSameVersion_TheSecondIsRefused_AndTheFirstIsKept()
    {
        // What keeps two servers (or two requests) from both moving a case from one state: the step count is its version.
        var id = await ReportAsync();
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var a = first.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>();
        var b = second.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>();
        var ca = await a.Set<Case>().IgnoreQueryFilters().SingleAsync(c => c.Id == id, Ct);
        var cb = await b.Set<Case>().IgnoreQueryFilters().SingleAsync(c => c.Id == id, Ct);
        var version = ca.StepCount;

        (ca.StepCount, ca.Description) = (version + 1, "first");
        (cb.StepCount, cb.Description) = (version + 1, "second");
        await a.SaveChangesAsync(Ct);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync(Ct));

        var stored = await LoadAsync(id);
        Assert.Equal((version + 1, "first"), (stored.StepCount, stored.Description));
    }

    [Fact]
    public async Task BadBodies_Are400_AndChangeNothing()
    {
        var id = await ReportAsync();
        await ActAsync("lx.center", id, "register", null);
        var problem = await ActAsync("lx.center", id, "dispatch", new { unit = "320213-NOPE" }, HttpStatusCode.BadRequest);
        Assert.Equal("unknown-unit", problem.GetProperty("errors")[0].GetProperty("code").GetString());
        await ActAsync("leader", id, "supervise", new { level = "Purple" }, HttpStatusCode.BadRequest);
        await ActAsync("lx.center", id, "feedback", new { result = "x" }, HttpStatusCode.Forbidden);
        Assert.Equal(CaseStatus.Registered, (await LoadAsync(id)).Status);
        await ActAsync("lx.center", 999_999_999, "accept", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rework_Return_AndRedispatch_AreCounted()
    {
        var id = await InHandAsync();
        await ActAsync("lx.unit", id, "feedback", new { result = "已清扫" });
        await ActAsync("lx.grid", id, "verify", new { done = false }, HttpStatusCode.Conflict); // rework needs to say what is left
        var rework = await ActAsync("lx.grid", id, "verify", new { done = false, comment = "仍有垃圾残留" });
        Assert.Equal("InProgress", rework.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal(1, rework.GetProperty("reworkCount").GetInt32());

        var returned = await ActAsync("lx.unit", id, "return", new { reason = "不属于本单位职责" });
        Assert.Equal("Registered", returned.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, returned.GetProperty("case").GetProperty("unitCode").ValueKind);
        Assert.Equal(1, returned.GetProperty("returnCount").GetInt32());
        await ActAsync("lx.unit", id, "start", null, HttpStatusCode.NotFound); // no longer the unit's

        var again = await ActAsync("lx.center", id, "dispatch", new { unit = StreetOffice() });
        Assert.Equal("Dispatched", again.GetProperty("case").GetProperty("status").GetString());
    }

    private string StreetOffice() =>
        app.WithDb(db => db.Users.Single(u => u.UserName == "lx.grid").GridCodes!)[..9] + "-JD";

    [Fact]
    public async Task AnExtension_IsAskedByTheUnit_AndDecidedByTheDispatcher()
    {
        var id = await InHandAsync();
        var before = await LoadAsync(id);
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);

        await ActAsync("lx.unit", id, "extend", new { workingDays = 2 }, HttpStatusCode.Conflict); // a reason is needed
        await ActAsync("lx.unit", id, "extend", new { workingDays = 2, reason = "需协调环卫车辆" });
        await ActAsync("lx.unit", id, "extend", new { workingDays = 3, reason = "再次申请" }, HttpStatusCode.Conflict);
        await ActAsync("lx.center", id, "extension", new { approve = true, comment = "同意" });

        var after = await LoadAsync(id);
        Assert.Equal(calendar.AddWorkingDays(new DateTimeOffset(before.StageDeadline!.Value), 2).UtcDateTime, after.StageDeadline);
        Assert.Equal(1, after.ExtensionCount);
        Assert.Null(after.ExtensionAskedUntil);
        await ActAsync("lx.center", id, "extension", new { approve = true }, HttpStatusCode.Conflict); // nothing waiting
    }

    [Fact]
    public async Task AParkedCase_StopsItsClock_AndResumesWithTheWorkingTimeItHadLeft()
    {
        var id = await InHandAsync("S0101");
        var before = await LoadAsync(id);
        await ActAsync("lx.center", id, "park", new { reason = "待拆迁，暂缓处置" });
        Assert.Equal(CaseStatus.Parked, (await LoadAsync(id)).Status);
        await ActAsync("lx.unit", id, "feedback", new { result = "x" }, HttpStatusCode.Conflict);

        // Pretend it was parked a week ago: the deadline moves by the time parked, in working time.
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);
        var weekAgo = DateTime.UtcNow.AddDays(-7);
        var left = calendar.WorkingTimeBetween(new DateTimeOffset(weekAgo), new DateTimeOffset(before.StageDeadline!.Value + TimeSpan.FromDays(-7)));
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE cases SET \"ParkedAt\" = {weekAgo}, \"StageDeadline\" = {before.StageDeadline!.Value.AddDays(-7)} WHERE \"Id\" = {id}", Ct));

        var resumed = await ActAsync("lx.center", id, "resume", null);
        Assert.Equal("InProgress", resumed.GetProperty("case").GetProperty("status").GetString());
        var after = await LoadAsync(id);
        var resumedAt = after.Steps.Single(s => s.Kind == StepKind.Resume).FinishedAt;
        Assert.Equal(calendar.AddWorkingMinutes(new DateTimeOffset(resumedAt), (long)Math.Round(left.TotalMinutes)).UtcDateTime, after.StageDeadline);
        Assert.Null(after.ParkedAt);
    }

    [Fact]
    public async Task Supervision_OnlyGoesUp()
    {
        var id = await InHandAsync();
        await ActAsync("leader", id, "supervise", new { level = "黄牌", comment = "尽快处理" });
        await ActAsync("leader", id, "supervise", new { level = "Normal" }, HttpStatusCode.Conflict);
        var red = await ActAsync("lx.center", id, "supervise", new { level = "Red" });
        Assert.Equal("Red", red.GetProperty("case").GetProperty("supervision").GetString());
    }

    [Fact]
    public async Task Dissatisfied_WithinTheWindow_ReopensAgainstTheClosingUnit_AndOnlyOnce()
    {
        var id = await ClosedAsync();
        var reopened = await ActAsync("lx.center", id, "rate", new { rating = "Dissatisfied", comment = "又有垃圾" });
        Assert.Equal("Dispatched", reopened.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal(LxUnit, reopened.GetProperty("case").GetProperty("unitCode").GetString());
        Assert.Equal(1, reopened.GetProperty("reopenCount").GetInt32());

        // Out of the window a 不满意 is recorded and the case stays closed.
        var late = await ClosedAsync();
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE cases SET \"ClosedAt\" = {DateTime.UtcNow.AddDays(-8)} WHERE \"Id\" = {late}", Ct));
        var kept = await ActAsync("lx.center", late, "rate", new { rating = "Dissatisfied" });
        Assert.Equal("Closed", kept.GetProperty("case").GetProperty("status").GetString());
        await ActAsync("lx.center", late, "rate", new { rating = "Satisfied" }, HttpStatusCode.Conflict);

        // 结案未解决 needs its reason, and is its own outcome.
        var notFixed = await InHandAsync();
        await ActAsync("lx.unit", notFixed, "feedback", new { result = "产权不明，无法处置" });
        await ActAsync("lx.grid", notFixed, "verify", new { done = true });
        await ActAsync("lx.center", notFixed, "close", new { outcome = "NotFixed" }, HttpStatusCode.Conflict);
        var closed = await ActAsync("lx.center", notFixed, "close", new { outcome = "NotFixed", comment = "产权不明，移交相关部门" });
        Assert.Equal("NotFixed", closed.GetProperty("outcome").GetString());
        var reopenedByHand = await ActAsync("lx.center", notFixed, "reopen", new { reason = "产权已明确" });
        Assert.Equal("Dispatched", reopenedByHand.GetProperty("case").GetProperty("status").GetString());
    }

    [Fact]
    public async Task JointHandling_GivesEachCooperatingUnitItsTask_AndTheLeadWaitsForThem()
    {
        var id = await InHandAsync();
        var coop = "320213-ZJJ";
        var admin = await app.AdminClientAsync();
        var username = "coop" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/admin/accounts", new { username, displayName = "住建局", password = "Grassroots@2026", roles = new[] { "HandlingUnit" }, regionCode = "320213000000", unitCode = coop }, Ct))
            .EnsureSuccessStatusCode();

        await ActAsync(username, id, "task", new { result = "x" }, HttpStatusCode.NotFound); // not its case yet
        await ActAsync("lx.center", id, "joint", new { cooperating = new[] { new { unit = LxUnit, task = "自己" } } }, HttpStatusCode.Conflict);
        var joint = await ActAsync("lx.center", id, "joint", new { cooperating = new[] { new { unit = coop, task = "清理违规堆放的建筑垃圾" } } });
        Assert.Equal(coop, joint.GetProperty("jointTasks")[0].GetProperty("unit").GetString());
        Assert.False(joint.GetProperty("jointTasks")[0].GetProperty("done").GetBoolean());

        var lead = await ActAsync("lx.unit", id, "feedback", new { result = "已清扫" }, HttpStatusCode.Conflict);
        Assert.EndsWith("tasks-open", lead.GetProperty("type").GetString(), StringComparison.Ordinal);

        var seen = await (await app.ClientAsync(username)).GetAsync($"/api/cases/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        await ActAsync(username, id, "feedback", new { result = "x" }, HttpStatusCode.Conflict); // only the lead feeds back
        var done = await ActAsync(username, id, "task", new { result = "建筑垃圾已清运" });
        Assert.True(done.GetProperty("jointTasks")[0].GetProperty("done").GetBoolean());
        await ActAsync("lx.unit", id, "feedback", new { result = "已清扫" });
    }

    [Fact]
    public async Task AReturn_EndsTheOpenJointTasks_AndTheCaseNoLongerListsThem()
    {
        var id = await InHandAsync();
        var joint = await ActAsync("lx.center", id, "joint", new { cooperating = new[] { new { unit = "320213-ZJJ", task = "拆除违章搭建" } } });
        Assert.Equal(1, joint.GetProperty("jointTasks").GetArrayLength());

        var returned = await ActAsync("lx.unit", id, "return", new { reason = "不属于本单位职责" });
        Assert.Equal("Registered", returned.GetProperty("case").GetProperty("status").GetString());
        Assert.Equal(0, returned.GetProperty("jointTasks").GetArrayLength());
        Assert.Equal(0, (await (await (await app.ClientAsync("lx.center")).GetAsync($"/api/cases/{id}", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("jointTasks").GetArrayLength());

        // Dispatched again, with a new task: only that one is listed.
        await ActAsync("lx.center", id, "dispatch", new { unit = LxUnit });
        var again = await ActAsync("lx.center", id, "joint", new { cooperating = new[] { new { unit = "320213-ZJJ", task = "清运渣土" } } });
        Assert.Equal("清运渣土", Assert.Single(again.GetProperty("jointTasks").EnumerateArray()).GetProperty("task").GetString());
    }

    [Fact]
    public async Task TheLightFilter_FindsGreenYellowAndRedStages()
    {
        var green = await InHandAsync();
        var yellow = await InHandAsync();
        var red = await InHandAsync();
        var now = DateTime.UtcNow;
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE cases SET \"StageYellowAt\" = {now.AddMinutes(-5)}, \"StageDeadline\" = {now.AddHours(5)} WHERE \"Id\" = {yellow}", Ct));
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE cases SET \"StageYellowAt\" = {now.AddHours(-5)}, \"StageDeadline\" = {now.AddMinutes(-5)} WHERE \"Id\" = {red}", Ct));

        var center = await app.ClientAsync("lx.center");
        async Task<List<long>> Ids(string light) =>
            [.. (await (await center.GetAsync($"/api/cases?light={light}&limit=500", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64())];

        var (g, y, r) = (await Ids("green"), await Ids("yellow"), await Ids("red"));
        Assert.Contains(green, g);
        Assert.DoesNotContain(green, y.Concat(r));
        Assert.Contains(yellow, y);
        Assert.DoesNotContain(yellow, g.Concat(r));
        Assert.Contains(red, r);
        Assert.DoesNotContain(red, g.Concat(y));
        await (await center.GetAsync("/api/cases?light=blue", Ct)).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheReportersContact_IsMasked_RevealedOnlyToThoseWhoCallBack_AndErasedAfterTheRetentionPeriod()
    {
        var id = await ReportAsync(extra: new { reporterName = "王小明", reporterPhone = "13812345678", reporterEmail = "wang@example.com" });
        foreach (var who in new[] { "lx.center", "leader", "assessor" })
        {
            var detail = await (await (await app.ClientAsync(who)).GetAsync($"/api/cases/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
            var reporter = detail.GetProperty("reporter");
            Assert.Equal(("王**", "138****5678", "w***@example.com", true), (reporter.GetProperty("name").GetString(), reporter.GetProperty("phone").GetString(), reporter.GetProperty("email").GetString(), reporter.GetProperty("masked").GetBoolean()));
            Assert.DoesNotContain("13812345678", detail.GetRawText(), StringComparison.Ordinal);
        }

        var audits = await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Operation == "personal-data.reveal" && e.Target == "case:" + id, Ct));
        var full = await (await (await app.ClientAsync("lx.center")).GetAsync($"/api/cases/{id}/contact", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("13812345678", full.GetProperty("phone").GetString());
        Assert.Equal(audits + 1, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Operation == "personal-data.reveal" && e.Target == "case:" + id, Ct)));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsync("leader")).GetAsync($"/api/cases/{id}/contact", Ct)).StatusCode);

        // The intake's audit entry keeps the contact only as a digest.
        var report = await app.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Target == "case:" + id && e.Operation == "cases.report", Ct));
        Assert.DoesNotContain("13812345678", report.Summary ?? "", StringComparison.Ordinal);

        // The reporter may ask for everything kept about them: the administrator finds it by phone, and it is recorded.
        var admin = await app.AdminClientAsync();
        var mine = await (await admin.GetAsync("/api/cases/reporter-data?phone=13812345678", Ct)).JsonAsync(HttpStatusCode.OK);
        var own = Assert.Single(mine.EnumerateArray(), c => c.GetProperty("id").GetInt64() == id);
        Assert.Equal("13812345678", own.GetProperty("reporter").GetProperty("phone").GetString());
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Operation == "personal-data.export" && e.Target == "reporter", Ct)));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsync("lx.center")).GetAsync("/api/cases/reporter-data?phone=13812345678", Ct)).StatusCode);

        // Closed 181 days ago: the eraser removes name, phone and e-mail, and records it.
        await ActAsync("lx.center", id, "accept", null);
        await ActAsync("lx.center", id, "void", new { reason = "重复上报" });
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE cases SET \"UpdatedAt\" = {DateTime.UtcNow.AddDays(-181)} WHERE \"Id\" = {id}", Ct));
        Assert.True(await app.Services.GetRequiredService<EraseExpiredContacts>().RunAsync(Ct) >= 1);
        var erased = await LoadAsync(id);
        Assert.Equal((null, null, null), (erased.ReporterName, erased.ReporterPhone, erased.ReporterEmail));
        Assert.NotNull(erased.ContactErasedAt);
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Operation == "personal-data.erase", Ct)));
        var after = await (await (await app.ClientAsync("lx.center")).GetAsync($"/api/cases/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("reporter").GetProperty("erasedAt").ValueKind);
    }

    [Fact]
    public async Task AUnitsOwnWorkingPeriods_TimeItsHandling_AndTheDeadlineEndpoint()
    {
        var office = StreetOffice();
        var admin = await app.AdminClientAsync();
        var bad = await (await admin.PutAsJsonAsync($"/api/units/{office}/working-periods", new { periods = new[] { "14:00-18:00", "08:00-12:00" } }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid-periods", bad.GetProperty("errors")[0].GetProperty("code").GetString());
        await (await (await app.ClientAsync("lx.center")).PutAsJsonAsync($"/api/units/{office}/working-periods", new { periods = new[] { "08:00-12:00" } }, Ct)).ProblemAsync(HttpStatusCode.Forbidden);
        var set = await (await admin.PutAsJsonAsync($"/api/units/{office}/working-periods", new { periods = new[] { "08:00-12:00", "14:00-18:00" } }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["08:00-12:00", "14:00-18:00"], set.GetProperty("workingPeriods").EnumerateArray().Select(p => p.GetString()));
        try
        {
            // Monday 11:00 + 2 working hours: 11:00–12:00, then 14:00–15:00 for the office; 13:30–14:30 on the city's periods.
            var anonymous = app.CreateClient();
            var own = await (await anonymous.GetAsync($"/api/calendar/deadline?from=2026-03-09T11:00:00%2B08:00&workingHours=2&unit={office}", Ct)).JsonAsync(HttpStatusCode.OK);
            var city = await (await anonymous.GetAsync("/api/calendar/deadline?from=2026-03-09T11:00:00%2B08:00&workingHours=2", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(new DateTimeOffset(2026, 3, 9, 15, 0, 0, TimeSpan.FromHours(8)), own.GetProperty("deadline").GetDateTimeOffset());
            Assert.Equal(new DateTimeOffset(2026, 3, 9, 14, 30, 0, TimeSpan.FromHours(8)), city.GetProperty("deadline").GetDateTimeOffset());

            var id = await ReportAsync();
            await ActAsync("lx.center", id, "register", null);
            await ActAsync("lx.center", id, "dispatch", new { unit = office });
            var c = await LoadAsync(id);
            var calendar = (await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct))
                .WithSchedule(new WorkingSchedule([new(new(8, 0), new(12, 0)), new(new(14, 0), new(18, 0))]));
            Assert.Equal(calendar.AddWorkingHours(new DateTimeOffset(c.Steps.Single(s => s.Kind == StepKind.Dispatch).FinishedAt), 2).UtcDateTime, c.StageDeadline);
        }
        finally
        {
            var back = await (await admin.PutAsJsonAsync($"/api/units/{office}/working-periods", new { periods = Array.Empty<string>() }, Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(JsonValueKind.Null, back.GetProperty("workingPeriods").ValueKind);
        }
    }

    [Fact]
    public async Task Lists_ReadASubtreeByItsLevel_AndDefaultToTheCallersOwn()
    {
        var id = await ReportAsync();
        var c = await LoadAsync(id);
        Assert.Equal(("320213000000", c.GridCode[..9] + "000", c.GridCode[..12]), (c.DistrictCode, c.StreetCode, c.CommunityCode));
        var center = await app.ClientAsync("lx.center");
        async Task<List<JsonElement>> Items(HttpClient client, string query) =>
            [.. (await (await client.GetAsync("/api/cases?limit=500&" + query, Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];

        foreach (var region in new[] { "320200000000", c.DistrictCode!, c.StreetCode!, c.CommunityCode! })
        {
            var items = await Items(center, "region=" + region);
            Assert.Contains(items, i => i.GetProperty("id").GetInt64() == id);
        }

        var neighbour = app.WithDb(db => db.Set<Region>().Where(r => r.ParentCode == c.StreetCode && r.Code != c.CommunityCode).OrderBy(r => r.Code).Select(r => r.Code).First());
        Assert.DoesNotContain(await Items(center, "region=" + neighbour), i => i.GetProperty("id").GetInt64() == id);

        // A street is read through its district's indexes and its path: its running cases too, and not its neighbour's.
        Assert.Contains(await Items(center, $"region={c.StreetCode}&light=green"), i => i.GetProperty("id").GetInt64() == id);
        var otherStreet = app.WithDb(db => db.Set<Region>().Where(r => r.ParentCode == c.DistrictCode && r.Code != c.StreetCode).OrderBy(r => r.Code).Select(r => r.Code).First());
        Assert.DoesNotContain(await Items(center, "region=" + otherStreet), i => i.GetProperty("id").GetInt64() == id);
        Assert.DoesNotContain(await Items(center, $"region={otherStreet}&light=green"), i => i.GetProperty("id").GetInt64() == id);
        Assert.Contains(await Items(center, ""), i => i.GetProperty("id").GetInt64() == id);
        Assert.DoesNotContain(await Items(await app.ClientAsync("xw.center"), ""), i => i.GetProperty("id").GetInt64() == id);
        await (await (await app.ClientAsync("xw.center")).GetAsync("/api/cases?region=" + c.DistrictCode, Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
