using System.Linq.Expressions;
using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Kpis;

/// <summary>What a rollup row is kept by besides period and region: everything, one handling unit, or one person.</summary>
public enum KpiDim : byte
{
    All = 0,
    Unit = 1,
    Person = 2,
}

/// <summary>The period a rollup row covers: one day, or one calendar month (its <see cref="KpiRollup.Day"/> is the 1st).</summary>
public enum KpiGrain : byte
{
    Day = 0,
    Month = 1,
}

/// <summary>
/// The rollup: the counts of one day or one month (Asia/Shanghai) in one region of any level — a case counts in the row
/// of its community and in those of its street, district and city — for everything (<see cref="KpiDim.All"/>), one unit
/// or one person, and the handling-time bins (<see cref="HandlingBins"/>). A node's period is then its own rows: whole
/// months plus the days at the ragged ends, however many communities lie under it. Derived from the step rows by
/// <see cref="KpiFolder"/>, rebuilt from them at any time; scoped like the cases.
/// </summary>
public sealed class KpiRollup : IRegionScoped
{
    public long Id { get; set; }

    /// <summary>The day, or the first day of the month for <see cref="KpiGrain.Month"/>.</summary>
    public DateOnly Day { get; set; }

    public KpiGrain Grain { get; set; }

    /// <summary>The region the row adds up: a prefix of the cases' region paths, ending in '/'.</summary>
    public required string RegionPath { get; set; }

    /// <summary>The depth of <see cref="RegionPath"/>: 1 city, 2 district, 3 street, 4 community (<see cref="LevelOf"/>).</summary>
    public byte Level { get; set; }

    public KpiDim Dim { get; set; }

    /// <summary>The unit code or the username; empty for <see cref="KpiDim.All"/>.</summary>
    public required string Key { get; set; }

    public int Registered { get; set; }
    public int VoidedAfterRegister { get; set; }
    public int VoidedUnregistered { get; set; }
    public int Dispatched { get; set; }
    public int DispatchedOnTime { get; set; }
    public int Returned { get; set; }
    public int Due { get; set; }
    public int Closed { get; set; }
    public int ClosedOnTime { get; set; }
    public int ClosedNotFixed { get; set; }
    public int Reworked { get; set; }
    public int Extended { get; set; }
    public int Reopened { get; set; }
    public int Parked { get; set; }
    public int RatedSatisfied { get; set; }
    public int RatedBasicallySatisfied { get; set; }
    public int RatedDissatisfied { get; set; }
    public int Handled { get; set; }
    public int HandlingUnknown { get; set; }

    /// <summary>Handling-time bins, as <see cref="HandlingBins.Encode"/> writes them; null without samples.</summary>
    public byte[]? Bins { get; set; }

    string? IRegionScoped.RegionPath => RegionPath;

    /// <summary>The depth of a region path: how many codes it holds (at least 1).</summary>
    public static byte LevelOf(string path) => (byte)Math.Max(1, path.Count(c => c == '/'));

    /// <summary>Every region a case of this path counts in, from the top down: each prefix that ends in '/' (the path itself without one).</summary>
    public static IEnumerable<string> RegionsOf(string path)
    {
        var any = false;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '/')
            {
                any = true;
                yield return path[..(i + 1)];
            }
        }

        if (!any)
        {
            yield return path;
        }
    }

    /// <summary>
    /// The rows that add up to the days from..to (both included) once each: the month rows of the whole months inside
    /// the period and the day rows of the days before the first and after the last of them; day rows alone when no
    /// whole month fits. At most 12 rows a year plus 60 days, whatever the period.
    /// </summary>
    public static Expression<Func<KpiRollup, bool>> InPeriod(DateOnly from, DateOnly to)
    {
        // The month after from's (none after December 9999), and the day after the last whole month (at the top of the
        // calendar the last month is read by its days).
        var monthOfFrom = new DateOnly(from.Year, from.Month, 1);
        DateOnly? first = from.Day == 1 ? from : monthOfFrom.Year < DateOnly.MaxValue.Year || monthOfFrom.Month < 12 ? monthOfFrom.AddMonths(1) : null;
        var afterLastMonth = to < DateOnly.MaxValue && to.AddDays(1).Day == 1 ? to.AddDays(1) : new DateOnly(to.Year, to.Month, 1);
        if (first is not { } firstMonth || firstMonth >= afterLastMonth)
        {
            return r => r.Grain == KpiGrain.Day && r.Day >= from && r.Day <= to;
        }

        return r => (r.Grain == KpiGrain.Month && r.Day >= firstMonth && r.Day < afterLastMonth)
            || (r.Grain == KpiGrain.Day && ((r.Day >= from && r.Day < firstMonth) || (r.Day >= afterLastMonth && r.Day <= to)));
    }

    /// <summary>Adds the row's counts and bins into a total.</summary>
    public void AddTo(KpiTotals t)
    {
        var values = CounterValues();
        for (var i = 0; i < values.Length; i++)
        {
            t.Add((KpiCounter)i, values[i]);
        }

        HandlingBins.AddTo(t.Bins, Bins);
    }

    /// <summary>The counts in <see cref="KpiCounter"/> order, as <see cref="CounterColumns"/> names their columns.</summary>
    public int[] CounterValues() =>
        [Registered, VoidedAfterRegister, VoidedUnregistered, Dispatched, DispatchedOnTime, Returned, Due, Closed, ClosedOnTime,
            ClosedNotFixed, Reworked, Extended, Reopened, Parked, RatedSatisfied, RatedBasicallySatisfied, RatedDissatisfied, Handled, HandlingUnknown];

    /// <summary>The columns of the counts, in <see cref="KpiCounter"/> order (each named as its counter).</summary>
    public static IReadOnlyList<string> CounterColumns { get; } = Enum.GetNames<KpiCounter>();

    /// <summary>Adds counts and bins into the row.</summary>
    public void Add(KpiTotals t)
    {
        Registered += (int)t[KpiCounter.Registered];
        VoidedAfterRegister += (int)t[KpiCounter.VoidedAfterRegister];
        VoidedUnregistered += (int)t[KpiCounter.VoidedUnregistered];
        Dispatched += (int)t[KpiCounter.Dispatched];
        DispatchedOnTime += (int)t[KpiCounter.DispatchedOnTime];
        Returned += (int)t[KpiCounter.Returned];
        Due += (int)t[KpiCounter.Due];
        Closed += (int)t[KpiCounter.Closed];
        ClosedOnTime += (int)t[KpiCounter.ClosedOnTime];
        ClosedNotFixed += (int)t[KpiCounter.ClosedNotFixed];
        Reworked += (int)t[KpiCounter.Reworked];
        Extended += (int)t[KpiCounter.Extended];
        Reopened += (int)t[KpiCounter.Reopened];
        Parked += (int)t[KpiCounter.Parked];
        RatedSatisfied += (int)t[KpiCounter.RatedSatisfied];
        RatedBasicallySatisfied += (int)t[KpiCounter.RatedBasicallySatisfied];
        RatedDissatisfied += (int)t[KpiCounter.RatedDissatisfied];
        Handled += (int)t[KpiCounter.Handled];
        HandlingUnknown += (int)t[KpiCounter.HandlingUnknown];
        if (t.Bins.Count > 0)
        {
            var bins = new Dictionary<int, long>();
            HandlingBins.AddTo(bins, Bins);
            foreach (var (bin, count) in t.Bins)
            {
                bins[bin] = bins.GetValueOrDefault(bin) + count;
            }

            Bins = HandlingBins.Encode(bins);
        }
    }
}

/// <summary>How far the rollup has read the step rows: every step with a greater id is not in it yet.</summary>
public sealed class KpiWatermark
{
    public int Id { get; set; }
    public long LastStepId { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class KpiRollupConfiguration : IEntityTypeConfiguration<KpiRollup>
{
    public void Configure(EntityTypeBuilder<KpiRollup> b)
    {
        b.ToTable("kpi_rollup");
        b.HasKey(r => r.Id);
        b.Property(r => r.RegionPath).HasMaxLength(64);
        b.Property(r => r.Key).HasMaxLength(100);

        // One row per cell; the same index answers a node's period: (All, "", level, the node's path, grain, day range),
        // and a unit's or a person's in the caller's scope: (Unit, code, the scope's level[, the scope's path], …).
        b.HasIndex(r => new { r.Dim, r.Key, r.Level, r.RegionPath, r.Grain, r.Day }).IsUnique();

        // Rankings: every region of one level, or every unit, over a period; and the folder's look-up of the rows a
        // batch adds to: (dimension, level, grain, the batch's days, its regions).
        b.HasIndex(r => new { r.Dim, r.Level, r.Grain, r.Day, r.RegionPath });
    }
}

internal sealed class KpiWatermarkConfiguration : IEntityTypeConfiguration<KpiWatermark>
{
    public void Configure(EntityTypeBuilder<KpiWatermark> b)
    {
        b.ToTable("kpi_watermark");
        b.HasKey(w => w.Id);
        b.Property(w => w.Id).ValueGeneratedNever();
    }
}
