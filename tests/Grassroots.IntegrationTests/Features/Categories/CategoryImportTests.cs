using System.Net;
using System.Text;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Categories;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.IntegrationTests.Features.Categories;

/// <summary>Loading a dictionary into a database with no demo city: the shipped one is there from the start.</summary>
public class CategoryImportTests(EmptyApp app) : IClassFixture<EmptyApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ShippedText => Encoding.UTF8.GetString(CategoryFile.Shipped());

    private async Task<HttpResponseMessage> ImportAsync(string csv) =>
        await (await app.AdminClientAsync()).PostAsync("/api/categories/import", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);

    private async Task<string> ExportAsync()
    {
        var response = await (await app.AdminClientAsync()).GetAsync("/api/categories/export", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task NewDatabase_WithoutDemo_HoldsTheShippedDictionary()
    {
        Assert.Equal(0, await app.WithDbAsync(db => db.Regions.CountAsync(Ct)));
        var active = await app.WithDbAsync(db => db.Categories.Where(c => c.Active).Select(c => c.Code).ToListAsync(Ct));
        Assert.Equal(ShippedText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1, active.Count);
        var minor = await app.WithDbAsync(db => db.Categories.CountAsync(c => c.Active && c.ParentCode != null, Ct));
        Assert.Equal(minor * 4, await app.WithDbAsync(db => db.Deadlines.CountAsync(r => active.Contains(r.CategoryCode), Ct)));
    }

    [Fact]
    public async Task GoodFile_UpdatesInsertsAndDeactivates_ThenTheShippedOneRestoresIt()
    {
        var lines = ShippedText.TrimEnd('\n').Split('\n').ToList();
        lines = [.. lines.Where(l => !l.StartsWith("事件,0112,", StringComparison.Ordinal))];
        var i = lines.FindIndex(l => l.StartsWith("事件,0101,", StringComparison.Ordinal));
        lines[i] = lines[i].Replace(",4h,6h,", ",3h,5h,", StringComparison.Ordinal);
        lines.Insert(i + 1, "事件,0199,01099,共享充电桩损坏,,CGJ,Department,否,10,30,1d,2d,4h,6h,60,120");

        var counts = await (await ImportAsync(string.Join('\n', lines))).JsonAsync(HttpStatusCode.OK);
        Assert.Equal((1, 1), (counts.GetProperty("inserted").GetInt32(), counts.GetProperty("deactivated").GetInt32()));
        var rubbish = await (await app.CreateClient().GetAsync("/api/categories/S0101", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(rubbish.GetProperty("deadlines").EnumerateArray(), d => d.GetProperty("handling").GetString() == "3h");
        Assert.False(app.WithDb(db => db.Categories.Single(c => c.Code == "S0112").Active));
        var tree = await (await app.CreateClient().GetAsync("/api/categories?type=事件", Ct)).JsonAsync(HttpStatusCode.OK);
        var names = tree.EnumerateArray().SelectMany(c => c.GetProperty("children").EnumerateArray()).Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Contains("S0199", names);
        Assert.DoesNotContain("S0112", names);

        var restored = await (await ImportAsync(ShippedText)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, restored.GetProperty("inserted").GetInt32());
        Assert.True(app.WithDb(db => db.Categories.Single(c => c.Code == "S0112").Active));
    }

    [Fact]
    public async Task BadFile_IsRefusedWithEveryProblem_AndChangesNothing()
    {
        var before = await ExportAsync();
        var auditBefore = app.WithDb(db => db.Set<Grassroots.Web.Features.Audit.AuditEntry>().Count());
        var lines = ShippedText.TrimEnd('\n').Split('\n').ToList();
        lines[1] = lines[1].Replace("公用设施", "公用设施（改）", StringComparison.Ordinal);
        lines.Add("事件,0101,01001,重复的暴露垃圾,,CGJ,Department,是,10,30,4h,6h,2h,3h,60,120");
        lines.Add("事件,0701,07001,无大类,,CGJ,Department,是,10,30,4x,6h,2h,3h,60,120");

        using var english = (await app.AdminClientAsync()).English();
        var problem = await (await english.PostAsync("/api/categories/import", new StringContent(string.Join('\n', lines), Encoding.UTF8, "text/csv"), Ct))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, english: true);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("location").GetString(), e.GetProperty("field").GetString(), e.GetProperty("code").GetString())).ToList();
        Assert.Contains(($"row:{lines.Count - 1}", "code", "duplicate-code"), errors);
        Assert.Contains(($"row:{lines.Count}", "code", "unknown-parent"), errors);
        Assert.Contains(($"row:{lines.Count}", "normal_urban", "invalid-code"), errors);

        var zh = await (await ImportAsync("type,code\n事件,01\n")).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(zh.GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == "missing-column");

        Assert.Equal(before, await ExportAsync());
        Assert.Equal(auditBefore, app.WithDb(db => db.Set<Grassroots.Web.Features.Audit.AuditEntry>().Count()));
    }

    [Fact]
    public async Task Import_AndExport_AreForAdministratorsOnly()
    {
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/categories/import", new StringContent(ShippedText, Encoding.UTF8, "text/csv"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/categories/export", Ct)).StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Categories.AnyAsync(Ct)));
    }
}
