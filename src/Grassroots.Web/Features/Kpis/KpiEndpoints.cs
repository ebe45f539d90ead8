using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Kpis;

public sealed record KpiNodeDto(string Node, string Kind, string Code, string Name);

/// <summary>A rate with the counts behind it; null when the denominator is zero (or, in a ranking, under the minimum volume).</summary>
public sealed record KpiRateDto(string Key, string Name, long Numerator, long Denominator, double? Value, bool Hidden = false);

/// <summary>Handling time in working hours: nearest-rank median and 90th percentile, to the bins' resolution.</summary>
public sealed record KpiHandlingDto(long Samples, long Unknown, double? MedianHours, double? P90Hours, string Resolution);

public sealed record KpiReportDto(KpiNodeDto Node, DateOnly From, DateOnly To, long FoldedThroughStep, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<KpiRateDto> Rates, KpiHandlingDto HandlingTime);

public sealed record KpiRankingItemDto(string Code, string Name, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<KpiRateDto> Rates);

public sealed record KpiRankingDto(string Level, DateOnly From, DateOnly To, long FoldedThroughStep, int MinimumVolume, IReadOnlyList<KpiRankingItemDto> Items);

/// <summary>GET /api/kpis (one node over a period) and GET /api/kpis/ranking (the nodes of one level side by side).</summary>
public static class KpiEndpoints
{
    public static IEndpointRouteBuilder MapKpiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/kpis").WithTags("KPIs");
        api.MapGet("/", Get).Require(Permission.ViewKpis)
            .WithSummary("Every KPI of one node (region code, unit:{code}, org:{code}, person:{username}) over a period of Asia/Shanghai days, each rate with its numerator and denominator.");
        api.MapGet("/ranking", Ranking).Require(Permission.ViewKpis)
            .WithSummary("The districts, streets or units in the caller's scope side by side over a period; rates under the minimum volume are hidden.");
        return app;
    }

    /// <summary>Every rate of PRODUCT.md: key, zh-CN name, en-US name, numerator, denominator.</summary>
    public static IReadOnlyList<(string Key, string Zh, string En, Func<KpiTotals, long> Numerator, Func<KpiTotals, long> Denominator)> RateDefinitions { get; } =
    [
        ("closeRate", "结案率", "closure rate", t => t[KpiCounter.Closed], t => t[KpiCounter.Due]),
        ("onTimeCloseRate", "按期结案率", "on-time closure rate", t => t[KpiCounter.ClosedOnTime], t => t[KpiCounter.Due]),
        ("reworkRate", "返工率", "rework rate", t => t[KpiCounter.Reworked], t => t[KpiCounter.Due]),
        ("extensionRate", "延期率", "extension rate", t => t[KpiCounter.Extended], t => t[KpiCounter.Due]),
        ("onTimeDispatchRate", "按时派遣率", "on-time dispatch rate", t => t[KpiCounter.DispatchedOnTime], t => t[KpiCounter.Dispatched]),
        ("accurateDispatchRate", "准确派遣率", "dispatch accuracy", t => t[KpiCounter.Dispatched] - t[KpiCounter.Returned], t => t[KpiCounter.Dispatched]),
        ("accurateRegisterRate", "准确立案率", "registration accuracy", t => t[KpiCounter.Registered] - t[KpiCounter.VoidedAfterRegister], t => t[KpiCounter.Registered]),
        ("satisfactionRate", "满意率", "satisfaction rate", t => t[KpiCounter.RatedSatisfied] + t[KpiCounter.RatedBasicallySatisfied], Rated),
        ("reopenRate", "重开率", "reopening rate", t => t[KpiCounter.Reopened], t => t[KpiCounter.Closed]),
    ];

    private static long Rated(KpiTotals t) => t[KpiCounter.RatedSatisfied] + t[KpiCounter.RatedBasicallySatisfied] + t[KpiCounter.RatedDissatisfied];

    public static IReadOnlyList<KpiRateDto> Rates(KpiTotals t, int minimumVolume = 0) =>
        [.. RateDefinitions.Select(d =>
        {
            var (n, den) = (d.Numerator(t), d.Denominator(t));
            var hidden = den > 0 && den < minimumVolume;
            return new KpiRateDto(d.Key, Text.Pick(d.Zh, d.En), n, den, den == 0 || hidden ? null : (double)n / den, hidden);
        })];

    public static IReadOnlyDictionary<string, long> Counts(KpiTotals t)
    {
        var counts = Enum.GetValues<KpiCounter>().ToDictionary(c => char.ToLowerInvariant(c.ToString()[0]) + c.ToString()[1..], c => t[c]);
        counts["rated"] = Rated(t);
        return counts;
    }

    public static KpiHandlingDto Handling(KpiTotals t)
    {
        static double? Hours(long? minutes) => minutes is { } m ? Math.Round(m / 60.0, 2) : null;
        return new(t[KpiCounter.Handled], t[KpiCounter.HandlingUnknown], Hours(HandlingBins.PercentileMinutes(t.Bins, 50)), Hours(HandlingBins.PercentileMinutes(t.Bins, 90)),
            Text.Pick("100 个工作小时以内精确到 5 分钟，以上精确到 1 小时；取所在区间的下沿", "5 working minutes up to 100 working hours, 1 hour beyond; the lower edge of the bin"));
    }

    private static async Task<Results<Ok<KpiReportDto>, ProblemHttpResult>> Get(
        AppDbContext db, DataScope scope, CalendarCache calendars, TimeProvider clock, string? node, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (Period(clock, from, to) is not { } period)
        {
            return BadPeriod();
        }

        var resolved = await ResolveAsync(db, scope, node, ct);
        if (resolved.Problem is { } problem)
        {
            return problem;
        }

        var calendar = await calendars.GetAsync(ct);
        var (totals, watermark) = await KpiQuery.TotalsAsync(db, calendar, resolved.Selection!, period.From, period.To, ct);
        return TypedResults.Ok(new KpiReportDto(resolved.Node!, period.From, period.To, watermark, Counts(totals), Rates(totals), Handling(totals)));
    }

    private static (DateOnly From, DateOnly To)? Period(TimeProvider clock, DateOnly? from, DateOnly? to)
    {
        var today = KpiReplay.DayOf(clock.GetUtcNow().UtcDateTime);
        var end = to ?? today;
        var start = from ?? new DateOnly(end.Year, 1, 1);
        return start <= end ? (start, end) : null;
    }

    private static ProblemHttpResult BadPeriod() =>
        Problems.BadRequest("查询条件有误。", "The query is not valid.", [new("query", "from", "invalid-range", Text.Pick("开始日期晚于结束日期", "from is after to"))]);

    private sealed record Resolved(KpiNodeDto? Node, KpiSelection? Selection, ProblemHttpResult? Problem);

    /// <summary>A node inside the caller's scope, or 404 as for anything outside it.</summary>
    private static async Task<Resolved> ResolveAsync(AppDbContext db, DataScope scope, string? node, CancellationToken ct)
    {
        node = string.IsNullOrWhiteSpace(node) ? null : node.Trim();
        var (kind, code) = node is null ? ("region", "") : node.IndexOf(':', StringComparison.Ordinal) is var i and > 0 ? (node[..i], node[(i + 1)..]) : ("region", node);
        Resolved NotFound() => new(null, null, Problems.NotFound($"没有节点 {node}，或不在你的范围内。", $"No node {node}, or it is outside your scope."));
        switch (kind)
        {
            case "region":
                var region = code.Length == 0
                    ? await db.Regions.AsNoTracking().Where(r => scope.RegionPath == null ? r.ParentCode == null : r.Path == scope.RegionPath).OrderBy(r => r.Code).FirstOrDefaultAsync(ct)
                    : await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code, ct);
                if (region is null || !scope.Covers(region.Path))
                {
                    return NotFound();
                }

                return new(new(region.Code, "region", region.Code, region.Name), new(KpiDim.All, "", region.Path), null);

            case "org":
                var org = await db.Orgs.AsNoTracking().FirstOrDefaultAsync(o => o.Code == code, ct);
                if (org?.RegionPath is not { } served || !scope.Covers(served))
                {
                    return NotFound();
                }

                return new(new(node!, "org", org.Code, org.Name), new(KpiDim.All, "", served), null);

            case "unit":
                var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == code, ct);
                return unit is null ? NotFound() : new(new(node!, "unit", unit.Code, unit.Name), new(KpiDim.Unit, unit.Code, null), null);

            case "person":
                var person = await db.Users.AsNoTracking().Where(u => u.UserName == code).Select(u => new { u.UserName, u.DisplayName, u.ScopePath }).FirstOrDefaultAsync(ct);
                return person is null || !scope.Covers(person.ScopePath)
                    ? NotFound()
                    : new(new(node!, "person", person.UserName!, person.DisplayName), new(KpiDim.Person, person.UserName!, null), null);

            default:
                return new(null, null, Problems.BadRequest("节点写法有误。", "The node is not valid.", [new("query", "node", "invalid-node",
                    Text.Pick("节点应为区划代码、unit:代码、org:代码或 person:用户名", "a node is a region code, unit:{code}, org:{code} or person:{username}"))]));
        }
    }

    private static async Task<Results<Ok<KpiRankingDto>, ProblemHttpResult>> Ranking(
        AppDbContext db, IOptions<KpiOptions> options, TimeProvider clock, string? level, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (Period(clock, from, to) is not { } period)
        {
            return BadPeriod();
        }

        var segments = level switch
        {
            "district" => 2,
            "street" => 3,
            "unit" => 0,
            _ => -1,
        };
        if (segments < 0)
        {
            return Problems.BadRequest("查询条件有误。", "The query is not valid.", [new("query", "level", "invalid-level", Text.Pick("level 应为 district、street 或 unit", "level is district, street or unit"))]);
        }

        // The rows of one level (a caller scoped below it reads their own region's rows, shown under the district or
        // street it lies in), or every unit's rows at the level of the caller's scope; the query filter keeps them inside it.
        var (start, end) = period;
        var scopeLevel = KpiQuery.ScopeLevel(db);
        var rows = db.Set<KpiRollup>().AsNoTracking().Where(KpiRollup.InPeriod(start, end));
        var totals = new Dictionary<string, KpiTotals>(StringComparer.Ordinal);
        Dictionary<string, string> names;
        if (segments == 0)
        {
            foreach (var s in await KpiSum.Of(rows.Where(r => r.Dim == KpiDim.Unit && r.Level == scopeLevel), r => r.Key).ToListAsync(ct))
            {
                s.AddTo(totals[s.Group] = new KpiTotals());
            }

            var codes = totals.Keys.ToList();
            names = await db.Units.AsNoTracking().IgnoreQueryFilters().Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Name, ct);
        }
        else
        {
            var depth = (byte)Math.Max(segments, scopeLevel);
            foreach (var s in await KpiSum.Of(rows.Where(r => r.Dim == KpiDim.All && r.Level == depth), r => r.RegionPath).ToListAsync(ct))
            {
                var ancestor = KpiRollup.RegionsOf(s.Group).ElementAtOrDefault(segments - 1) ?? s.Group;
                if (!totals.TryGetValue(ancestor, out var t))
                {
                    totals[ancestor] = t = new KpiTotals();
                }

                s.AddTo(t);
            }

            var paths = totals.Keys.ToList();
            names = await db.Regions.AsNoTracking().Where(r => paths.Contains(r.Path)).ToDictionaryAsync(r => r.Path, r => r.Code + " " + r.Name, ct);
        }

        var minimum = options.Value.RankingMinimumVolume;
        var items = totals.Select(g =>
        {
            var (group, t) = (g.Key, g.Value);
            var label = names.GetValueOrDefault(group) ?? group;
            var (code, name) = segments == 0 ? (group, label) : (label.Split(' ', 2)[0], label.Split(' ', 2)[^1]);
            return new KpiRankingItemDto(code, name, Counts(t), Rates(t, minimum));
        })
            .OrderByDescending(i => i.Rates[1].Value ?? -1)
            .ThenByDescending(i => i.Counts["due"])
            .ThenBy(i => i.Code, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new KpiRankingDto(level!, start, end, await KpiFolder.WatermarkAsync(db, ct), minimum, items));
    }
}
