using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using Grassroots.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Cases;

public sealed record CaseSummaryDto(
    long Id, string TrackingCode, string Category, string Urgency, string Source, string Status, string StatusLabel,
    string GridCode, string? UnitCode, DateTime ReportedAt, DateTime? StageDeadline, bool Overdue, string? Light, string Supervision, string Description);

public sealed record CasePage(IReadOnlyList<CaseSummaryDto> Items, string? Next);

public sealed record StepDto(
    int Seq, string Kind, string Actor, string Role, string? Unit, DateTime StartedAt, DateTime? Deadline, DateTime FinishedAt, bool? OnTime,
    string? Result, string? Comment, IReadOnlyList<string> Photos);

/// <summary>A 会办 task: the cooperating unit, what it must do, and whether it is done.</summary>
public sealed record JointTaskDto(string Unit, string Task, bool Done, string? Result, DateTime? DoneAt);

/// <summary>The reporter's contact data, masked unless revealed (each reveal recorded).</summary>
public sealed record ReporterDto(string? Name, string? Phone, string? Email, bool Masked, DateTime? ErasedAt);

public sealed record CaseDetailDto(
    CaseSummaryDto Case, double Lon, double Lat, string Area, string? RoutedUnitCode, DateTime? StageYellowAt, string? Outcome, string? Rating,
    int ReworkCount, int ReturnCount, int ReopenCount, int ExtensionCount, DateTime? ExtensionAskedUntil, DateTime? ClosedAt, DateTime UpdatedAt,
    ReporterDto? Reporter, IReadOnlyList<JointTaskDto> JointTasks, IReadOnlyList<StepDto> Steps);

/// <summary>Traffic lights of a running stage.</summary>
public enum TrafficLight
{
    Green,
    Yellow,
    Red,
}

/// <summary>Reading cases: filtered lists in keyset pages, and one case with every step.</summary>
public static class CaseQueries
{
    public static IEndpointRouteBuilder MapCaseQueries(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cases").WithTags("Cases");
        api.MapGet("/", List).Require(Permission.ViewCases)
            .WithSummary("Cases in the caller's scope, newest first, by status, category, region subtree, source, overdue and date range; keyset pages.");
        api.MapGet("/{id:long}", Get).Require(Permission.ViewCases).WithSummary("One case with every step; the reporter's contact data masked.");
        api.MapGet("/reporter-data", ReporterData).Require(Permission.ExportPersonalData)
            .WithSummary("Everything kept about one reporter, found by phone number, for a request under PIPL to see one's own data; recorded.");
        api.MapGet("/{id:long}/contact", Contact).Require(Permission.RevealPersonalData)
            .WithSummary("The reporter's contact data in full, for the roles that must call back; each reveal is recorded.");
        return app;
    }

    /// <summary>
    /// The columns a list's line is made of, and the first 100 characters of the description. A page reads these, not
    /// whole cases: the other 29 columns (dates among them, which SQLite keeps as text to be parsed) cost a list request
    /// more than its query did.
    /// </summary>
    internal sealed record CaseLine(
        long Id, string TrackingCode, string CategoryCode, Urgency Urgency, CaseSource Source, CaseStatus Status, string GridCode,
        string? UnitCode, DateTime ReportedAt, DateTime? StageDeadline, DateTime? StageYellowAt, SupervisionLevel Supervision, string Description);

    private static readonly Expression<Func<Case, CaseLine>> LineQuery = c => new CaseLine(
        c.Id, c.TrackingCode, c.CategoryCode, c.Urgency, c.Source, c.Status, c.GridCode, c.UnitCode, c.ReportedAt, c.StageDeadline, c.StageYellowAt,
        c.Supervision, c.Description.Length > 100 ? c.Description.Substring(0, 100) : c.Description);

    /// <summary>The same line, of a case in memory.</summary>
    private static readonly Func<Case, CaseLine> LineOf = LineQuery.Compile();

    internal static CaseSummaryDto Summary(Case c, DateTime now) => Summary(LineOf(c), now);

    private static CaseSummaryDto Summary(CaseLine c, DateTime now) => new(
        c.Id, c.TrackingCode, c.CategoryCode, c.Urgency.ToString(), c.Source.ToString(), c.Status.ToString(), c.Status.Label(),
        c.GridCode, c.UnitCode, c.ReportedAt, c.StageDeadline, c.Status.IsRunning() && c.StageDeadline < now,
        LightOf(c.Status, c.StageDeadline, c.StageYellowAt, now)?.ToString().ToLowerInvariant(), c.Supervision.ToString(), c.Description);

    /// <summary>红 past the stage's deadline, 黄 once its yellow instant has come, 绿 before; none for closed, voided and parked cases.</summary>
    internal static TrafficLight? LightOf(Case c, DateTime now) => LightOf(c.Status, c.StageDeadline, c.StageYellowAt, now);

    private static TrafficLight? LightOf(CaseStatus status, DateTime? deadline, DateTime? yellowAt, DateTime now) =>
        !status.IsRunning() || deadline is null ? null
        : deadline < now ? TrafficLight.Red
        : yellowAt <= now ? TrafficLight.Yellow
        : TrafficLight.Green;

    private static async Task<Results<Ok<CasePage>, ProblemHttpResult>> List(
        AppDbContext db, DataScope scope, RegistryCache registry, TimeProvider clock, string? status, string? category, string? region, string? source, bool? overdue, string? light,
        DateTimeOffset? from, DateTimeOffset? to, string? after, int? limit, CancellationToken ct)
    {
        var errors = new List<ProblemItem>();
        var query = db.Set<Case>().AsNoTracking();
        var statuses = new List<CaseStatus>();
        if (status is not null)
        {
            foreach (var s in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Enum.TryParse<CaseStatus>(s, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
                {
                    statuses.Add(parsed);
                }
                else
                {
                    errors.Add(new("query", "status", "unknown-status", Text.Pick($"未知状态 {s}", $"unknown status {s}")));
                }
            }

            query = query.Where(c => statuses.Contains(c.Status));
        }

        if (source is not null)
        {
            if (Enum.TryParse<CaseSource>(source, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                query = query.Where(c => c.Source == parsed);
            }
            else
            {
                errors.Add(new("query", "source", "unknown-source", Text.Pick($"未知来源 {source}", $"unknown source {source}")));
            }
        }

        if (category is not null)
        {
            query = query.Where(c => c.CategoryCode.StartsWith(category));
        }

        TrafficLight? wantedLight = null;
        if (light is not null)
        {
            if (Enum.TryParse<TrafficLight>(light, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(light, out _))
            {
                wantedLight = parsed;
            }
            else
            {
                errors.Add(new("query", "light", "unknown-light", Text.Pick("灯色应为 green、yellow 或 red", "light must be green, yellow or red")));
            }
        }

        if (from is not null && to is not null && from > to)
        {
            errors.Add(new("query", "from", "invalid-range", Text.Pick("开始时间晚于结束时间", "from is after to")));
        }

        var (afterAt, afterId) = (default(DateTime), 0L);
        if (after is not null && !TryReadCursor(after, out afterAt, out afterId))
        {
            errors.Add(new("query", "after", "invalid-cursor", Text.Pick("分页游标无效", "the page cursor is not valid")));
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest("查询条件有误。", "The query is not valid.", errors);
        }

        // Only running cases can be coloured or overdue. Those lists, and a list of running states, say so in the
        // running indexes' own words, so the database walks the running cases newest first instead of the history.
        var runningOnly = wantedLight is not null || overdue == true || (statuses.Count > 0 && statuses.All(s => s.IsRunning()));
        if (runningOnly)
        {
            query = query.Where(CaseLabels.RunningRow);
        }

        var endedOnly = !runningOnly && statuses.Count > 0 && statuses.All(s => !s.IsOpen());
        if (endedOnly)
        {
            // A list of the history's states (结案, 作废) says so in the ended cases' index's own words.
            query = query.Where(CaseLabels.EndedRow);
        }

        // A subtree is read by its level's code, indexed with the report time, so its newest page is a range read in
        // order (a street by its district's, filtered by path); without a region the caller's own scope is the subtree
        // (the scope filter still applies to every row).
        var subtree = region ?? scope.RegionPath?.TrimEnd('/').Split('/')[^1];
        var cityWide = true;
        if (subtree is not null)
        {
            // From the registry in memory, as the scope filter on regions reads the table: the caller's subtree and the
            // regions above it.
            var node = registry.Current.Region(subtree);
            if (node is null || !scope.CoversOrIsAbove(node.Path))
            {
                return RegistryEndpoints.RegionNotFound(subtree);
            }

            // A street: the district's indexes, filtered by path, which they carry. The running cases of a street or a
            // community (their coloured and overdue lists): the street's running index, filtered by path for a community.
            var level = node.Kind.Level();
            cityWide = level == 1;
            query = level switch
            {
                // A district's closed or voided cases: the city's ended cases newest first, filtered by the district's path
                // (about one in eight), where the district's index reached its newest closed case only past a day or two of
                // newer reports, read row by row (38 ms at 8 connections for a handling unit at ten million cases).
                2 when endedOnly => query.Where(c => c.RegionPath.StartsWith(node.Path)),
                2 => query.Where(c => c.DistrictCode == subtree),
                3 when runningOnly => query.Where(c => c.StreetCode == subtree),
                3 => query.Where(c => c.DistrictCode == node.ParentCode && c.RegionPath.StartsWith(node.Path)),
                4 when runningOnly => query.Where(c => c.StreetCode == node.ParentCode && c.RegionPath.StartsWith(node.Path)),
                4 => query.Where(c => c.CommunityCode == subtree),
                1 => query, // the whole city
                _ => query.Where(c => c.RegionPath.StartsWith(node.Path)),
            };
        }

        // A handling unit never sees a voided case: a case is voided only before it is dispatched, or after its unit
        // returned it, which clears the unit and the cooperating units (Case.Void, Case.Return). Its list of voided cases
        // is empty (once its region is known to be in scope), answered without walking the district's history for nothing.
        if (scope.Unit is not null && statuses.Count > 0 && statuses.All(s => s == CaseStatus.Voided))
        {
            return TypedResults.Ok(new CasePage([], null));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (overdue is { } late)
        {
            query = late
                ? query.Where(c => c.StageDeadline != null && c.StageDeadline < now)
                : query.Where(c => EF.Constant(CaseLabels.Ended).Contains(c.Status) || c.ParkedAt != null || !(c.StageDeadline < now));
        }

        if (wantedLight is { } lit)
        {
            var running = query.Where(c => c.StageDeadline != null);
            query = lit switch
            {
                TrafficLight.Red => running.Where(c => c.StageDeadline < now),
                TrafficLight.Yellow => running.Where(c => c.StageDeadline >= now && c.StageYellowAt <= now),
                _ => running.Where(c => c.StageDeadline >= now && (c.StageYellowAt == null || c.StageYellowAt > now)),
            };
        }

        if (from is { } f)
        {
            var start = f.UtcDateTime;
            query = query.Where(c => c.ReportedAt >= start);
        }

        if (to is { } t)
        {
            var end = t.UtcDateTime;
            query = query.Where(c => c.ReportedAt < end);
        }

        if (after is not null)
        {
            query = query.Where(c => c.ReportedAt < afterAt || (c.ReportedAt == afterAt && c.Id < afterId));
        }

        var take = Math.Clamp(limit ?? 50, 1, 500);
        var ordered = query.OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id).Take(take + 1);
        List<CaseLine> rows;
        if (runningOnly || scope.Grids is not null)
        {
            // The page's keys first: every column they need is in the running index (or for a grid worker, the
            // community's, which carries the data scope's columns), so the database picks it, a covering walk newest first
            // stopped at the page, over the history's indexes; then the page's rows by id. The city's yellow page is
            // read in two parts (CaseConfiguration, IX_cases_yellow).
            var ids = cityWide && wantedLight == TrafficLight.Yellow
                ? await CityYellowPageAsync(query, take + 1, ct)
                : await ordered.Select(c => c.Id).ToListAsync(ct);
            rows = [.. (await db.Set<Case>().AsNoTracking().Where(c => ids.Contains(c.Id)).Select(LineQuery).ToListAsync(ct))
                .OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id)];
        }
        else
        {
            rows = await ordered.Select(LineQuery).ToListAsync(ct);
        }

        var next = rows.Count > take ? Cursor(rows[take - 1]) : null;
        return TypedResults.Ok(new CasePage([.. rows.Take(take).Select(c => Summary(c, now))], next));
    }

    /// <summary>
    /// The ids of a page of the city's yellow cases, newest first, from the running cases split by
    /// <see cref="Case.YellowPassed"/>: a walk of those noted yellow, newest first and stopped at the page, and the
    /// others whose yellow time has come since they were noted (a range of their yellow times, a few since the last
    /// sweep), merged. Both parts keep the query's own test of the times, so together they are exactly its cases.
    /// </summary>
    private static async Task<List<long>> CityYellowPageAsync(IQueryable<Case> query, int count, CancellationToken ct)
    {
        var noted = await query.Where(c => c.YellowPassed)
            .OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id).Take(count)
            .Select(c => new { c.ReportedAt, c.Id }).ToListAsync(ct);
        var turned = await query.Where(c => !c.YellowPassed).Select(c => new { c.ReportedAt, c.Id }).ToListAsync(ct);
        return [.. noted.Concat(turned).OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id).Take(count).Select(c => c.Id)];
    }

    private static async Task<Results<Ok<CaseDetailDto>, ProblemHttpResult>> Get(long id, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var c = await db.Set<Case>().AsNoTracking().Include(x => x.Steps).FirstOrDefaultAsync(x => x.Id == id, ct);
        return c is null ? NotFound(id) : TypedResults.Ok(Detail(c, clock.GetUtcNow().UtcDateTime));
    }

    internal static CaseDetailDto Detail(Case c, DateTime now) => new(
        Summary(c, now), c.Lon, c.Lat, c.Area.ToString(), c.RoutedUnitCode, c.StageYellowAt, c.Outcome?.ToString(), c.Rating?.ToString(),
        c.ReworkCount, c.ReturnCount, c.ReopenCount, c.ExtensionCount, c.ExtensionAskedUntil, c.ClosedAt, c.UpdatedAt,
        Reporter(c, masked: true), JointTasks(c),
        [.. c.Steps.OrderBy(s => s.Seq).Select(s => new StepDto(
            s.Seq, s.Kind.ToString(), s.Actor, s.Role, s.Unit, s.StartedAt, s.Deadline, s.FinishedAt, s.OnTime, s.Result, s.Comment,
            (s.Photos ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)))]);

    internal static ReporterDto? Reporter(Case c, bool masked) =>
        c.ReporterName is null && c.ReporterPhone is null && c.ReporterEmail is null && c.ContactErasedAt is null ? null
        : masked ? new(Masking.Name(c.ReporterName), Masking.Phone(c.ReporterPhone), Masking.Email(c.ReporterEmail), true, c.ContactErasedAt)
        : new(c.ReporterName, c.ReporterPhone, c.ReporterEmail, false, c.ContactErasedAt);

    /// <summary>
    /// 会办 tasks as the steps record them: assigned by a Joint row, done by the unit's TaskDone row after it. A return
    /// ends the dispatch and its tasks with it (Case.Return clears them), so only the tasks since the last return count.
    /// </summary>
    internal static IReadOnlyList<JointTaskDto> JointTasks(Case c)
    {
        var steps = c.Steps.OrderBy(s => s.Seq).ToList();
        var returned = steps.LastOrDefault(s => s.Kind == StepKind.Return)?.Seq ?? -1;
        return [.. steps.Where(s => s.Kind == StepKind.Joint && s.Seq > returned).Select(j =>
        {
            var done = steps.FirstOrDefault(d => d.Kind == StepKind.TaskDone && d.Seq > j.Seq && d.Unit == j.Result);
            return new JointTaskDto(j.Result ?? "", j.Comment ?? "", done is not null, done?.Result, done?.FinishedAt);
        })];
    }

    /// <summary>One report as its reporter may ask to see it: the case, what they said, and the contact data kept.</summary>
    public sealed record ReporterCaseDto(long Id, string TrackingCode, DateTime ReportedAt, string Category, string Status, string Description, ReporterDto Reporter);

    private static async Task<Results<Ok<List<ReporterCaseDto>>, ProblemHttpResult>> ReporterData(string? phone, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        var digits = phone?.Trim();
        if (string.IsNullOrEmpty(digits) || digits.Length > 20)
        {
            return Problems.BadRequest("请给出上报人的电话号码。", "Give the reporter's phone number.",
                [new ProblemItem("query", "phone", "required", Text.Pick("缺少电话号码", "missing"))]);
        }

        var rows = await db.Set<Case>().AsNoTracking().Where(c => c.ReporterPhone == digits).OrderBy(c => c.ReportedAt).ToListAsync(ct);
        audit.Record("personal-data.export", "reporter", new { phone = AuditChain.DigestOf(digits), cases = rows.Select(c => c.Id) }, $"reporter data exported: {rows.Count} cases");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(rows.Select(c => new ReporterCaseDto(c.Id, c.TrackingCode, c.ReportedAt, c.CategoryCode, c.Status.ToString(), c.Description, Reporter(c, masked: false)!)).ToList());
    }

    private static async Task<Results<Ok<ReporterDto>, ProblemHttpResult>> Contact(long id, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        var c = await db.Set<Case>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return NotFound(id);
        }

        if (Reporter(c, masked: false) is not { } reporter)
        {
            return Problems.NotFound("该案件没有上报人联系方式。", "The case has no reporter contact data.");
        }

        audit.Record("personal-data.reveal", "case:" + id, new { id }, "reporter contact revealed");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(reporter);
    }

    internal static ProblemHttpResult NotFound(long id) =>
        Problems.NotFound($"没有编号为 {id} 的案件。", $"No case has the id {id}.");

    private static string Cursor(CaseLine c) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(c.ReportedAt.Ticks.ToString(CultureInfo.InvariantCulture) + ":" + c.Id.ToString(CultureInfo.InvariantCulture)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryReadCursor(string cursor, out DateTime at, out long id)
    {
        at = default;
        id = 0;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out id))
            {
                at = new DateTime(ticks, DateTimeKind.Utc);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
