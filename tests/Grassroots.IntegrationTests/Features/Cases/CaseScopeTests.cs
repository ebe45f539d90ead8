using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Grassroots.Web.Features.Categories;

namespace Grassroots.IntegrationTests.Features.Cases;

/// <summary>Cases are scoped in the DbContext like everything else: by subtree, and for grid workers and units by their grids and unit.</summary>
public sealed class CaseScopeTests : IAsyncLifetime
{
    private const string Liangxi = "320200000000/320213000000/";
    private const string Community = "320200000000/320213000000/320213021000/320213021001/";
    private const string Xinwu = "320200000000/320214000000/320214050000/320214050001/";

    private readonly EmptyApp app = new();

    private sealed record Scope(string? RegionPath, IReadOnlyList<string>? Grids = null, string? Unit = null) : IDataScope;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var t = new DateTime(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);
        var actor = new StepActor("test", "GridWorker");
        Case New(string grid, string path, string? unit)
        {
            var c = Case.Report("0101", Urgency.Normal, CaseSource.GridWorker, 120.3, 31.5, grid, path, "测试", actor, t, t.AddMinutes(30));
            if (unit is not null)
            {
                c.Register(actor, t);
                c.Dispatch(actor, t, unit, t.AddHours(4));
            }

            return c;
        }

        db.Set<Case>().AddRange(
            New("320213021001001", Community, "320213-CGJ"),
            New("320213021001002", Community, "320213-ZJJ"),
            New("320213021001003", Community, null),
            New("320214050001001", Xinwu, "320214-CGJ"));
        await db.SaveChangesAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private List<string> GridsSeenBy(Scope scope)
    {
        using var db = new AppDbContext(app.Services.GetRequiredService<DbContextOptions<AppDbContext>>(), scope);
        return [.. db.Set<Case>().AsNoTracking().Select(c => c.GridCode).OrderBy(g => g)];
    }

    [Fact]
    public void ADistrict_SeesItsOwnCasesOnly() =>
        Assert.Equal(["320213021001001", "320213021001002", "320213021001003"], GridsSeenBy(new Scope(Liangxi)));

    [Fact]
    public void AGridWorker_SeesTheCasesOfTheirGridsOnly() =>
        Assert.Equal(["320213021001002"], GridsSeenBy(new Scope(Community, Grids: ["320213021001002"])));

    [Fact]
    public void AHandlingUnit_SeesOnlyWhatWasDispatchedToIt() =>
        Assert.Equal(["320213021001001"], GridsSeenBy(new Scope(Liangxi, Unit: "320213-CGJ")));

    [Fact]
    public void TheCity_SeesEverything() => Assert.Equal(4, GridsSeenBy(new Scope(null)).Count);

    [Fact]
    public async Task StepRows_CannotBeChangedOrRemoved()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var step = await db.Set<CaseStep>().FirstAsync(Ct);
        step.Comment = "rewritten";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        db.ChangeTracker.Clear();
        db.Set<CaseStep>().Remove(await db.Set<CaseStep>().FirstAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
    }
}
