using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Cases;

public sealed class SupervisionOptions
{
    /// <summary>How often overdue work is looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Overdue at all: 普通督办. Overdue by this many working hours: 黄牌.</summary>
    public double YellowAfterWorkingHours { get; set; } = 8;

    /// <summary>Overdue by this many working hours: 红牌.</summary>
    public double RedAfterWorkingHours { get; set; } = 24;

    /// <summary>The most cases raised in one sweep; the rest wait for the next.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>
/// 督办 raised by the clock: every open case past its stage deadline gets at least 普通; 黄牌 and 红牌 follow
/// when it is late by the configured working hours. Levels only rise. Each raise is a step row by the
/// system and an audit entry, written through the write queue.
/// </summary>
public sealed class SweepOverdue(WriteQueue writes, CalendarCache calendars, TimeProvider clock, IOptions<SupervisionOptions> options, ILogger<SweepOverdue> logger)
{
    private static readonly StepActor System = new("system", "System");

    public static SupervisionLevel LevelFor(double hoursLate, SupervisionOptions options) =>
        hoursLate >= options.RedAfterWorkingHours ? SupervisionLevel.Red
        : hoursLate >= options.YellowAfterWorkingHours ? SupervisionLevel.Yellow
        : SupervisionLevel.Normal;

    /// <summary>Raises what is due and answers how many cases were raised.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var calendar = await calendars.GetAsync(cancellationToken);
        var settings = options.Value;
        return await writes.WriteAsync(async (db, ct) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await NoteYellowAsync(db, now, ct);
            var due = await db.Set<Case>()
                .Where(CaseLabels.RunningRow)
                .Where(c => c.StageDeadline < now && c.Supervision != SupervisionLevel.Red)
                .OrderBy(c => c.StageDeadline)
                .Take(settings.BatchSize)
                .ToListAsync(ct);
            var audit = new AuditTrail(db, new SystemActor(), clock);
            var raised = 0;
            foreach (var c in due)
            {
                double hoursLate;
                try
                {
                    hoursLate = calendar.WorkingTimeBetween(c.StageDeadline!.Value, now).TotalHours;
                }
                catch (CalendarNotLoadedException e)
                {
                    logger.LogWarning("Case {Id} is overdue but the {Year} calendar is not loaded: supervision stays at its level", c.Id, e.Year);
                    continue;
                }

                var level = LevelFor(hoursLate, settings);
                if (level > c.Supervision)
                {
                    var comment = $"超期自动督办：已超期 {hoursLate:F1} 个工作小时";
                    c.Supervise(System, now, level, comment);
                    audit.Record("cases.supervise", "case:" + c.Id, new { c.Id, level = level.ToString(), hoursLate }, $"{level} after {hoursLate:F1} working hours overdue");
                    raised++;
                }
            }

            await db.SaveChangesAsync(ct);
            return raised;
        }, cancellationToken);
    }

    /// <summary>
    /// Notes the running cases whose yellow time has come since they were written, and those noted yellow whose stage
    /// has since restarted (<see cref="Case.YellowPassed"/>): the city's yellow list reads the second part of its
    /// split by yellow time, so the sweep keeps that part to the minutes since. Not a change of the case: no step,
    /// no audit entry, and the time it last changed stays.
    /// </summary>
    public static async Task NoteYellowAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        await db.Set<Case>().Where(CaseLabels.RunningRow).Where(c => !c.YellowPassed && c.StageYellowAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.YellowPassed, true), ct);
        await db.Set<Case>().Where(CaseLabels.RunningRow).Where(c => c.YellowPassed && !(c.StageYellowAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.YellowPassed, false), ct);
    }

    private sealed class SystemActor : IActor
    {
        public string Name => "system";

        public string Roles => "System";
    }
}

/// <summary>Runs <see cref="SweepOverdue"/> on its interval.</summary>
public sealed class OverdueSweeper(SweepOverdue sweep, TimeProvider clock, IOptions<SupervisionOptions> options, ILogger<OverdueSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var raised = await sweep.RunAsync(stoppingToken);
                if (raised > 0)
                {
                    logger.LogInformation("Raised supervision on {Count} overdue cases", raised);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The overdue sweep failed; it runs again on the next tick");
            }
        }
    }
}
