using System.Globalization;
using System.Net;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Kpis;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Demo;

/// <summary>The first start seeds this year's cases after the registry, in bulk, as the workflow would have written them.</summary>
public class DemoCasesTests(SmallCityWithCasesApp app) : IClassFixture<SmallCityWithCasesApp>
{
    [Fact]
    public async Task FirstStart_StoresTheYearsCases_WithOneAuditEntry()
    {
        var (cases, steps, maxStep) = await app.WithDbAsync(async db => (
            await db.Set<Case>().IgnoreQueryFilters().CountAsync(),
            await db.Set<CaseStep>().CountAsync(),
            await db.Set<CaseStep>().MaxAsync(s => s.Id)));
        Assert.InRange(cases, 6500, 9500);
        Assert.Equal(steps, maxStep);
        var entry = await app.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Operation == "cases.demo-seed"));
        Assert.Contains($"{cases} cases, {steps} steps", entry.Summary, StringComparison.Ordinal);

        // Stored rows read back as the workflow wrote them.
        var sample = await app.WithDbAsync(db => db.Set<Case>().IgnoreQueryFilters().Include(c => c.Steps).OrderBy(c => c.Id).Where(c => c.Id % 97 == 0).ToListAsync());
        Assert.All(sample, c =>
        {
            c.Steps.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            Assert.Equal(c.StepCount, c.Steps.Count);
            Assert.True(c.UpdatedAt <= SmallCityWithCasesApp.Now.UtcDateTime);
        });
    }

    [Fact]
    public async Task Cases_AreLocatedAndRouted_AsIntakeWould()
    {
        var registry = app.Services.GetRequiredService<RegistryCache>().Current;
        var sample = await app.WithDbAsync(db => db.Set<Case>().IgnoreQueryFilters().Where(c => c.Id % 53 == 0).ToListAsync());
        Assert.NotEmpty(sample);
        foreach (var c in sample)
        {
            var location = registry.Locate(c.Lon, c.Lat);
            Assert.NotNull(location);
            Assert.Equal(c.GridCode, location.Grid.Code);
            Assert.Equal(c.RegionPath, location.Community.Path);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>();
            var category = await db.Categories.SingleAsync(x => x.Code == c.CategoryCode, cancellationToken: TestContext.Current.CancellationToken);
            var units = await app.Services.GetRequiredService<Grassroots.Web.Features.Units.UnitDirectory>().GetAsync(TestContext.Current.CancellationToken);
            var unit = ReportCase.RouteCandidates(category, location.District.Code, location.Street.Code).FirstOrDefault(u => units.GetValueOrDefault(u)?.Active == true);
            Assert.Equal(unit, c.RoutedUnitCode);
        }
    }

    [Fact]
    public async Task TheOverdueSweep_FindsNothingLeftToRaise()
    {
        // Nor anything to note: each running case is seeded noted by its yellow time, as the sweep notes it (the clock is fixed).
        var now = SmallCityWithCasesApp.Now.UtcDateTime;
        var (noted, misnoted) = await app.WithDbAsync(async db =>
        {
            var running = db.Set<Case>().IgnoreQueryFilters().Where(CaseLabels.RunningRow);
            return (await running.CountAsync(c => c.YellowPassed), await running.CountAsync(c => c.YellowPassed != (c.StageYellowAt <= now)));
        });
        Assert.True(noted > 0);
        Assert.Equal(0, misnoted);
        Assert.Equal(0, await app.Services.GetRequiredService<SweepOverdue>().RunAsync(TestContext.Current.CancellationToken));
        var supervised = await app.WithDbAsync(db => db.Set<Case>().IgnoreQueryFilters().CountAsync(c => c.Supervision != SupervisionLevel.None));
        Assert.True(supervised > 0);
    }

    [Fact]
    public async Task TheSeededRollup_IsTheOneARebuildMakesFromTheSteps_AndLeavesTheFoldNothingToDo()
    {
        var ct = TestContext.Current.CancellationToken;
        Task<List<string>> RowsAsync() => app.WithDbAsync(async db => (await db.Set<KpiRollup>().IgnoreQueryFilters().AsNoTracking().ToListAsync(ct))
            .Select(r => string.Join('|', r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Grain, r.RegionPath, r.Level, r.Dim, r.Key, string.Join(',', r.CounterValues()), Convert.ToHexString(r.Bins ?? [])))
            .Order(StringComparer.Ordinal).ToList());

        var seeded = await RowsAsync();
        Assert.True(seeded.Count > 10_000, $"{seeded.Count} rows");
        var (watermark, lastStep) = await app.WithDbAsync(async db => (
            await KpiFolder.WatermarkAsync(db, ct),
            await db.Set<CaseStep>().MaxAsync(s => s.Id, ct)));
        Assert.Equal(lastStep, watermark);

        var folder = app.Services.GetRequiredService<KpiFolder>();
        Assert.Equal(0, await folder.FoldAsync(ct));
        var rebuilt = await folder.RebuildAsync(ct);
        Assert.Equal(seeded.Count, rebuilt.Rows);
        Assert.Equal(seeded, await RowsAsync());
    }

    [Fact]
    public async Task ContactsPastTheRetention_AreSeededErased_SoTheEraserFindsNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await app.Services.GetRequiredService<EraseExpiredContacts>().RunAsync(ct));
        var (erased, kept, sweeps) = await app.WithDbAsync(async db => (
            await db.Set<Case>().IgnoreQueryFilters().CountAsync(c => c.ContactErasedAt != null && c.ReporterName == null && c.ReporterPhone == null, ct),
            await db.Set<Case>().IgnoreQueryFilters().CountAsync(c => c.ContactErasedAt == null && c.ReporterPhone != null, ct),
            await db.Set<AuditEntry>().CountAsync(e => e.Operation == "personal-data.erase", ct)));
        Assert.True(erased > 100, $"{erased} erased");
        Assert.True(kept > 100, $"{kept} kept");
        Assert.Equal(0, sweeps);
    }

    [Fact]
    public async Task TheCentre_ListsItsDistrictsCases()
    {
        using var client = await app.ClientAsync("lx.center");
        var page = await (await client.GetAsync("/api/cases?limit=20", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(0, page.GetProperty("items").GetArrayLength());
    }
}
