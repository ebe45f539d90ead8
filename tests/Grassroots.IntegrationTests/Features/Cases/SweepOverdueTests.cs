using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Grassroots.Web.Features.Categories;

namespace Grassroots.IntegrationTests.Features.Cases;

public sealed class SweepOverdueTests : IAsyncLifetime
{
    private readonly EmptyApp app = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await app.InitializeAsync();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>The latest instant before now that lies the given working hours before now.</summary>
    private static DateTime LateBy(WorkingCalendar calendar, DateTimeOffset now, double hours)
    {
        var at = now;
        while (calendar.WorkingTimeBetween(at, now).TotalHours < hours)
        {
            at = at.AddMinutes(-30);
        }

        return at.UtcDateTime;
    }

    private async Task<long> AddAsync(DateTime deadline, CaseStatus status = CaseStatus.Dispatched)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var actor = new StepActor("test", "Dispatcher");
        var at = deadline.AddDays(-20);
        var c = Case.Report("0101", Urgency.Normal, CaseSource.GridWorker, 120.3, 31.5, "320213021001001", "320200000000/320213000000/", "逾期测试", actor, at, at.AddMinutes(30));
        c.Register(actor, at);
        c.Dispatch(actor, at, "320213-CGJ", deadline);
        if (status == CaseStatus.Parked)
        {
            c.Park(actor, at, "等待");
        }

        db.Add(c);
        await db.SaveChangesAsync(Ct);
        return c.Id;
    }

    [Fact]
    public async Task OverdueCases_AreSupervised_ByHowLateTheyAreInWorkingHours()
    {
        var calendar = await app.Services.GetRequiredService<CalendarCache>().GetAsync(Ct);
        var now = DateTimeOffset.UtcNow;
        var slightly = await AddAsync(LateBy(calendar, now, 0.5));
        var aDay = await AddAsync(LateBy(calendar, now, 10));
        var long_ = await AddAsync(LateBy(calendar, now, 30));
        var notYet = await AddAsync(now.AddDays(30).UtcDateTime);
        var parked = await AddAsync(LateBy(calendar, now, 30), CaseStatus.Parked);

        var raised = await app.Services.GetRequiredService<SweepOverdue>().RunAsync(Ct);

        var levels = await app.WithDbAsync(db => db.Set<Case>().ToDictionaryAsync(c => c.Id, c => c.Supervision, Ct));
        Assert.Equal(SupervisionLevel.Normal, levels[slightly]);
        Assert.Equal(SupervisionLevel.Yellow, levels[aDay]);
        Assert.Equal(SupervisionLevel.Red, levels[long_]);
        Assert.Equal(SupervisionLevel.None, levels[notYet]);
        Assert.Equal(SupervisionLevel.None, levels[parked]);
        Assert.Equal(3, raised);

        var step = await app.WithDbAsync(db => db.Set<CaseStep>().Where(s => s.CaseId == long_ && s.Kind == StepKind.Supervise).SingleAsync(Ct));
        Assert.Equal(("system", "Red"), (step.Actor, step.Result));
        Assert.Contains("超期自动督办", step.Comment, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Target == "case:" + long_ && e.Operation == "cases.supervise", Ct)));

        Assert.Equal(0, await app.Services.GetRequiredService<SweepOverdue>().RunAsync(Ct));
    }

    [Theory]
    [InlineData(0.1, SupervisionLevel.Normal)]
    [InlineData(7.9, SupervisionLevel.Normal)]
    [InlineData(8, SupervisionLevel.Yellow)]
    [InlineData(23.9, SupervisionLevel.Yellow)]
    [InlineData(24, SupervisionLevel.Red)]
    public void TheLevel_FollowsTheConfiguredWorkingHours(double hoursLate, SupervisionLevel expected) =>
        Assert.Equal(expected, SweepOverdue.LevelFor(hoursLate, new SupervisionOptions()));
}
