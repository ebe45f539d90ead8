using System.Buffers.Binary;

namespace Grassroots.Web.Features.Kpis;

/// <summary>The counts every KPI is made of (docs/kpis.md defines each one and the day that dates it).</summary>
public enum KpiCounter
{
    /// <summary>立案数: Register steps, dated by their day.</summary>
    Registered,

    /// <summary>作废数: registered cases later voided, dated by the day they were registered.</summary>
    VoidedAfterRegister,

    /// <summary>不予立案数: reports voided before they were registered, dated by the void.</summary>
    VoidedUnregistered,

    /// <summary>应派遣数: Dispatch steps, dated by their day.</summary>
    Dispatched,

    /// <summary>按时派遣数: Dispatch steps within the dispatch deadline.</summary>
    DispatchedOnTime,

    /// <summary>回退数: dispatches returned by the unit, dated by the dispatch.</summary>
    Returned,

    /// <summary>应结案数: cases dispatched on the day and not returned, voided or parked now.</summary>
    Due,

    /// <summary>结案数: of those, closed now.</summary>
    Closed,

    /// <summary>按期结案数: of those, closed with every handling round finished by its deadline.</summary>
    ClosedOnTime,

    /// <summary>结案未解决数: of those, closed as not fixed.</summary>
    ClosedNotFixed,

    /// <summary>返工数: of the due cases, those sent back at least once after the on-site check.</summary>
    Reworked,

    /// <summary>延期数: of the due cases, those with at least one approved extension.</summary>
    Extended,

    /// <summary>重开数: of the closed cases, those that were reopened at least once before their closing.</summary>
    Reopened,

    /// <summary>挂账数: cases dispatched on the day and parked now (left out of 应结案数).</summary>
    Parked,

    /// <summary>满意: Rate steps, dated by their day.</summary>
    RatedSatisfied,

    /// <summary>基本满意.</summary>
    RatedBasicallySatisfied,

    /// <summary>不满意.</summary>
    RatedDissatisfied,

    /// <summary>处置用时样本数: Feedback steps whose handling time is known, dated by the feedback.</summary>
    Handled,

    /// <summary>Feedback steps whose handling time could not be computed (the calendar of the year is not loaded).</summary>
    HandlingUnknown,
}

/// <summary>
/// Handling times in working minutes, counted in bins of a fixed resolution: 5 minutes up to 100 working hours,
/// then 1 hour. Percentiles are read from the bins (nearest rank) and reported as the bin's lower edge.
/// </summary>
public static class HandlingBins
{
    public const int FineMinutes = 5;
    public const int FineLimitMinutes = 100 * 60;
    public const int CoarseMinutes = 60;
    private const int FineBins = FineLimitMinutes / FineMinutes;

    public static int BinOf(long minutes)
    {
        if (minutes < 0)
        {
            minutes = 0;
        }

        return minutes < FineLimitMinutes
            ? (int)(minutes / FineMinutes)
            : (int)Math.Min(ushort.MaxValue, FineBins + ((minutes - FineLimitMinutes) / CoarseMinutes));
    }

    public static long LowerEdgeMinutes(int bin) =>
        bin < FineBins ? (long)bin * FineMinutes : FineLimitMinutes + ((long)(bin - FineBins) * CoarseMinutes);

    /// <summary>The nearest-rank percentile (p in (0, 100]): the smallest bin whose running count reaches ⌈p/100 · n⌉; null without samples.</summary>
    public static long? PercentileMinutes(IReadOnlyDictionary<int, long> bins, double p)
    {
        var n = bins.Values.Sum();
        if (n == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(p / 100 * n);
        rank = Math.Clamp(rank, 1, n);
        long running = 0;
        foreach (var (bin, count) in bins.OrderBy(b => b.Key))
        {
            running += count;
            if (running >= rank)
            {
                return LowerEdgeMinutes(bin);
            }
        }

        return null;
    }

    /// <summary>Bins as stored: (bin: uint16, count: int32) pairs, little-endian, in bin order.</summary>
    public static byte[]? Encode(IReadOnlyDictionary<int, long> bins)
    {
        var entries = bins.Where(b => b.Value != 0).OrderBy(b => b.Key).ToList();
        if (entries.Count == 0)
        {
            return null;
        }

        var bytes = new byte[entries.Count * 6];
        for (var i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 6), (ushort)entries[i].Key);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((i * 6) + 2), checked((int)entries[i].Value));
        }

        return bytes;
    }

    public static void AddTo(Dictionary<int, long> bins, byte[]? encoded)
    {
        if (encoded is null)
        {
            return;
        }

        for (var i = 0; i + 6 <= encoded.Length; i += 6)
        {
            int bin = BinaryPrimitives.ReadUInt16LittleEndian(encoded.AsSpan(i));
            var count = BinaryPrimitives.ReadInt32LittleEndian(encoded.AsSpan(i + 2));
            bins[bin] = bins.GetValueOrDefault(bin) + count;
        }
    }
}

/// <summary>Counts and handling-time bins added up: a rollup cell, a period's total, a ranking row.</summary>
public sealed class KpiTotals
{
    public static readonly int CounterCount = Enum.GetValues<KpiCounter>().Length;

    public long[] Counts { get; } = new long[CounterCount];

    public Dictionary<int, long> Bins { get; } = [];

    public long this[KpiCounter counter] => Counts[(int)counter];

    public void Add(KpiCounter counter, long delta) => Counts[(int)counter] += delta;

    public void AddSample(long minutes)
    {
        var bin = HandlingBins.BinOf(minutes);
        Bins[bin] = Bins.GetValueOrDefault(bin) + 1;
    }

    public void Add(KpiFact fact)
    {
        Add(fact.Counter, fact.Delta);
        if (fact.HandlingMinutes is { } m)
        {
            AddSample(m);
        }
    }

    public void Add(KpiTotals other)
    {
        for (var i = 0; i < Counts.Length; i++)
        {
            Counts[i] += other.Counts[i];
        }

        foreach (var (bin, count) in other.Bins)
        {
            Bins[bin] = Bins.GetValueOrDefault(bin) + count;
        }
    }

    public bool IsEmpty => Counts.All(c => c == 0) && Bins.Values.All(c => c == 0);
}
