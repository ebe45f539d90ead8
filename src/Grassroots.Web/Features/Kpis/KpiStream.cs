using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;

namespace Grassroots.Web.Features.Kpis;

/// <summary>
/// Makes the rollup rows of cases handed over in the order they were reported, without holding a year of cells: a
/// case's facts fall on the days of its steps, none before its report, so once the cases of a day arrive the day rows
/// before it and the month rows before its month are final. The demo seeder writes the year's cases and their rollup
/// together with it, so that a first start has nothing left to fold; <see cref="KpiFolder.RebuildAsync"/> reads the stored
/// cases in that order through it too.
/// </summary>
public sealed class KpiStream(WorkingCalendar calendar)
{
    private readonly Dictionary<KpiCell, KpiTotals> days = [];
    private readonly Dictionary<KpiCell, KpiTotals> months = [];
    private readonly Dictionary<string, string[]> regions = new(StringComparer.Ordinal);

    /// <summary>Rows of days before this one have been taken: a fact on such a day could no longer be counted.</summary>
    private DateOnly taken = DateOnly.MinValue;

    /// <summary>The largest step id replayed: the rollup's watermark once every row is written.</summary>
    public long LastStepId { get; private set; }

    /// <summary>Replays a case's steps into the cells of its days and months.</summary>
    public void Add(Case c) => Add(c.Id, c.RegionPath, c.Steps);

    /// <summary>Replays the steps of case <paramref name="caseId"/>, in the region of <paramref name="regionPath"/>.</summary>
    public void Add(long caseId, string regionPath, IReadOnlyCollection<CaseStep> steps)
    {
        if (!regions.TryGetValue(regionPath, out var caseRegions))
        {
            regions[regionPath] = caseRegions = [.. KpiRollup.RegionsOf(regionPath)];
        }

        KpiReplay.Replay(steps, calendar, fact =>
        {
            if (fact.Day < taken)
            {
                throw new InvalidOperationException($"Case {caseId} counts on {fact.Day:yyyy-MM-dd}, whose rows were already taken (cases must come in the order they were reported).");
            }

            KpiFolder.AddTo(days, months, caseRegions, fact);
        });
        foreach (var step in steps)
        {
            LastStepId = Math.Max(LastStepId, step.Id);
        }
    }

    /// <summary>The rows no case reported on <paramref name="day"/> or later adds to: earlier days, and months before its month.</summary>
    public List<KpiRollup> TakeBefore(DateOnly day)
    {
        if (day < taken)
        {
            throw new InvalidOperationException($"Rows up to {taken:yyyy-MM-dd} were already taken.");
        }

        taken = day;
        var rows = Take(days, day);
        rows.AddRange(Take(months, new DateOnly(day.Year, day.Month, 1)));
        return rows;
    }

    /// <summary>Every row still held: after the last case.</summary>
    public List<KpiRollup> TakeAll() => TakeBefore(DateOnly.MaxValue);

    private static List<KpiRollup> Take(Dictionary<KpiCell, KpiTotals> cells, DateOnly before)
    {
        var rows = new List<KpiRollup>();
        foreach (var (cell, totals) in cells)
        {
            if (cell.Day >= before)
            {
                continue;
            }

            cells.Remove(cell);
            if (!totals.IsEmpty)
            {
                rows.Add(KpiFolder.NewRow(cell, totals));
            }
        }

        return rows;
    }
}
