using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Cases;

public sealed class PrivacyOptions
{
    /// <summary>Days a reporter's contact data is kept after the case is closed or voided (PIPL: no longer than needed); 0 keeps it until erased by hand.</summary>
    public int ContactRetentionDays { get; set; } = 180;

    /// <summary>How often expired contact data is looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(6);

    public int BatchSize { get; set; } = 1000;
}

/// <summary>
/// Erases the reporter's name, phone and e-mail from cases closed or voided longer ago than the retention
/// period. The case, its steps and its KPIs stay; the erasure is recorded in the audit trail.
/// A case reopened after erasure keeps no contact data. The cases due are read from a partial index of the ended cases
/// that still hold contact data (<see cref="CaseLabels.ErasableSql"/>), by the time they last changed: the batch is
/// a range of it, in the writer's turn, however many cases were erased before.
/// </summary>
public sealed class EraseExpiredContacts(WriteQueue writes, TimeProvider clock, IOptions<PrivacyOptions> options)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (settings.ContactRetentionDays <= 0)
        {
            return 0;
        }

        var total = 0;
        while (true)
        {
            var erased = await writes.WriteAsync(async (db, ct) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                var before = now.AddDays(-settings.ContactRetentionDays);
                var expired = await db.Set<Case>().IgnoreQueryFilters()
                    .Where(CaseLabels.ErasableRow)
                    .Where(c => c.UpdatedAt < before)
                    .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id)
                    .Take(settings.BatchSize)
                    .ToListAsync(ct);
                foreach (var c in expired)
                {
                    (c.ReporterName, c.ReporterPhone, c.ReporterEmail, c.ContactErasedAt) = (null, null, null, now);
                }

                if (expired.Count > 0)
                {
                    new AuditTrail(db, new ReportCase.StepActorAsActor(new StepActor("system", "System")), clock).Record(
                        "personal-data.erase", "cases", new { ids = expired.Select(c => c.Id), settings.ContactRetentionDays },
                        $"reporter contact data erased from {expired.Count} cases after {settings.ContactRetentionDays} days");
                    await db.SaveChangesAsync(ct);
                }

                return expired.Count;
            }, cancellationToken);
            total += erased;
            if (erased < settings.BatchSize)
            {
                return total;
            }
        }
    }
}

/// <summary>Runs <see cref="EraseExpiredContacts"/> at start and then on its interval.</summary>
public sealed class ContactEraser(EraseExpiredContacts erase, TimeProvider clock, IOptions<PrivacyOptions> options, ILogger<ContactEraser> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                var erased = await erase.RunAsync(stoppingToken);
                if (erased > 0)
                {
                    logger.LogInformation("Erased reporter contact data from {Count} cases past the retention period", erased);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Erasing expired contact data failed; it runs again on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
