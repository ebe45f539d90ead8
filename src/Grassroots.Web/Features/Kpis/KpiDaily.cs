using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Kpis;

/// <summary>What a rollup row is kept by besides day and community: everything, one handling unit, or one person.</summary>
public enum KpiDim : byte
{
    All = 0,
    Unit = 1,
    Person = 2,
}

/// <summary>
/// The rollup: the counts of one day (Asia/Shanghai) in one community (the case's region path), for everything
/// (<see cref="KpiDim.All"/>), one unit or one person, and the handling-time bins (<see cref="HandlingBins"/>).
/// Derived from the step rows by <see cref="KpiFolder"/>, rebuilt from them at any time; scoped like the cases.
/// </summary>
public sealed class KpiDaily : IRegionScoped
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public required string RegionPath { get; set; }
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

internal sealed class KpiDailyConfiguration : IEntityTypeConfiguration<KpiDaily>
{
    public void Configure(EntityTypeBuilder<KpiDaily> b)
    {
        b.ToTable("kpi_daily");
        b.HasKey(r => r.Id);
        b.Property(r => r.RegionPath).HasMaxLength(64);
        b.Property(r => r.Key).HasMaxLength(100);

        // One row per cell; the same index answers a node's period: (All, "", district prefix…, day range).
        b.HasIndex(r => new { r.Dim, r.Key, r.RegionPath, r.Day }).IsUnique();
        b.HasIndex(r => new { r.Dim, r.Day });
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
