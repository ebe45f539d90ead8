using System.Security.Claims;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Photos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Cases;

public sealed record CommentBody(string? Comment);

public sealed record ReasonBody(string? Reason);

public sealed record DispatchBody(string? Unit, string? Comment);

public sealed record FeedbackBody(string? Result, string? Photos);

public sealed record VerifyBody(bool? Done, string? Comment, string? Photos);

public sealed record CloseBody(string? Outcome, string? Comment);

public sealed record ExtendBody(DateTimeOffset? Until, int? WorkingDays, string? Reason);

public sealed record DecisionBody(bool? Approve, string? Comment);

public sealed record SuperviseBody(string? Level, string? Comment);

public sealed record RateBody(string? Rating, string? Comment);

public sealed record JointTaskBody(string? Unit, string? Task);

public sealed record JointBody(IReadOnlyList<JointTaskBody>? Cooperating);

/// <summary>
/// The workflow over HTTP: one endpoint per transition, <c>POST /api/cases/{id}/{action}</c>. Each checks its
/// permission (one table), finds the case inside the caller's scope (404 outside), checks the body (400), then
/// runs the transition on the single writer: the case's rule refuses what its state does not allow (409, with
/// why), stage deadlines come from <see cref="StageClock"/>, and the step row and the audit entry are written
/// in the same transaction — or nothing is.
/// </summary>
public static class CaseActions
{
    private sealed record Context(Case Case, StepActor Actor, DateTime Now, StageClock Clock, DeadlineProfile Profile, RatingOptions Rating, string? Photos);

    public static IEndpointRouteBuilder MapCaseActions(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cases/{id:long}").WithTags("Case workflow")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/accept", (long id, HttpContext http) => Run(http, id, Permission.AcceptCase, "accept", null,
            x => x.Case.Accept(x.Actor, x.Now))).Require(Permission.AcceptCase).WithSummary("受理: the report is taken in by the command centre.");

        api.MapPost("/register", (long id, CommentBody? body, HttpContext http) => Run(http, id, Permission.RegisterCase, "register", body,
            x => x.Case.Register(x.Actor, x.Now, body?.Comment))).Require(Permission.RegisterCase).WithSummary("立案: the case is real and in scope; the dispatch clock keeps running.");

        api.MapPost("/void", (long id, ReasonBody? body, HttpContext http) => Run(http, id, Permission.VoidCase, "void", body, x =>
        {
            x.Case.Void(x.Actor, x.Now, body?.Reason ?? "");
            x.Case.StageYellowAt = null;
        })).Require(Permission.VoidCase).WithSummary("作废, with the reason: not a case, or not ours.");

        api.MapPost("/dispatch", async (long id, DispatchBody? body, HttpContext http, AppDbContext db, CancellationToken ct) =>
        {
            // Outside the caller's scope the case does not exist, whatever the body says.
            var found = await db.Set<Case>().Where(c => c.Id == id).Select(c => new { c.RoutedUnitCode }).FirstOrDefaultAsync(ct);
            if (found is null)
            {
                return CaseQueries.NotFound(id);
            }

            // The routing rules' proposal, when the dispatcher accepts it as it is.
            var unit = body?.Unit ?? found.RoutedUnitCode;

            if (await UnknownUnitsAsync(db, unit is null ? [] : [unit], "unit", ct) is { } problem)
            {
                return problem;
            }

            return await Run(http, id, Permission.DispatchCase, "dispatch", body, x =>
            {
                var times = x.Clock.Handling(x.Now, x.Profile, unit);
                x.Case.Dispatch(x.Actor, x.Now, unit ?? "", times.Deadline);
                x.Case.StageYellowAt = times.YellowAt;
            });
        }).Require(Permission.DispatchCase).WithSummary("派遣 to one unit (the routed unit when none is named); the handling clock starts.");

        api.MapPost("/joint", async (long id, JointBody? body, HttpContext http, AppDbContext db, CancellationToken ct) =>
        {
            if (!await db.Set<Case>().AnyAsync(c => c.Id == id, ct))
            {
                return CaseQueries.NotFound(id);
            }

            var tasks = (body?.Cooperating ?? []).Select(t => (Unit: t.Unit?.Trim() ?? "", Task: t.Task?.Trim() ?? "")).ToList();
            if (await UnknownUnitsAsync(db, [.. tasks.Select(t => t.Unit).Where(u => u.Length > 0)], "cooperating", ct) is { } problem)
            {
                return problem;
            }

            return await Run(http, id, Permission.DispatchCase, "joint", body, x => x.Case.AssignJoint(x.Actor, x.Now, tasks));
        }).Require(Permission.DispatchCase).WithSummary("会办: cooperating units beside the lead unit, each with its own task.");

        api.MapPost("/start", (long id, HttpContext http) => Run(http, id, Permission.HandleCase, "start", null,
            x => x.Case.Start(x.Actor, x.Now))).Require(Permission.HandleCase).WithSummary("签收: the unit takes the case on.");

        api.MapPost("/task", (long id, FeedbackBody? body, HttpContext http) => Run(http, id, Permission.HandleCase, "task", body,
            x => x.Case.FinishTask(x.Actor, x.Now, body?.Result ?? "", x.Photos), photos: body?.Photos))
            .Require(Permission.HandleCase).WithSummary("A cooperating unit reports its 会办 task done.");

        api.MapPost("/return", (long id, ReasonBody? body, HttpContext http) => Run(http, id, Permission.ReturnCase, "return", body, x =>
        {
            var times = x.Clock.Dispatch(x.Now, x.Profile);
            x.Case.Return(x.Actor, x.Now, body?.Reason ?? "", times.Deadline);
            x.Case.StageYellowAt = times.YellowAt;
        })).Require(Permission.ReturnCase).WithSummary("回退: the unit sends back a case that is not its own, with the reason; it waits to be dispatched again.");

        api.MapPost("/feedback", (long id, FeedbackBody? body, HttpContext http) => Run(http, id, Permission.HandleCase, "feedback", body, x =>
        {
            var times = x.Clock.Check(x.Now, x.Profile);
            x.Case.Feedback(x.Actor, x.Now, body?.Result ?? "", times.Deadline, x.Photos);
            x.Case.StageYellowAt = times.YellowAt;
        }, photos: body?.Photos)).Require(Permission.HandleCase).WithSummary("处理反馈: the unit reports the work done (after photos by hash); the on-site check clock starts.");

        api.MapPost("/verify", (long id, VerifyBody? body, HttpContext http) => Run(http, id, Permission.VerifyCase, "verify", body, x =>
            {
                // Passed: the command centre closes within its dispatch minutes. Failed: 返工, a new handling period.
                var done = body!.Done!.Value;
                var times = done ? x.Clock.Dispatch(x.Now, x.Profile) : x.Clock.Handling(x.Now, x.Profile, x.Case.UnitCode);
                x.Case.Verify(x.Actor, x.Now, done, body.Comment, times.Deadline, x.Photos);
                x.Case.StageYellowAt = times.YellowAt;
            }, body?.Done is null ? Invalid("done", "须说明是否处置到位：true 或 false", "say whether the work was done: true or false") : null, body?.Photos))
            .Require(Permission.VerifyCase).WithSummary("核查 on site: done (to be closed) or not (返工, back to the unit).");

        api.MapPost("/close", (long id, CloseBody? body, HttpContext http) =>
        {
            var valid = TryParse<CaseOutcome>(body?.Outcome ?? nameof(CaseOutcome.Fixed), out var outcome, ("已解决", CaseOutcome.Fixed), ("未解决", CaseOutcome.NotFixed));
            return Run(http, id, Permission.CloseCase, "close", body, x =>
            {
                x.Case.Close(x.Actor, x.Now, outcome, body?.Comment);
                x.Case.StageYellowAt = null;
            }, valid ? null : Invalid("outcome", "结案结果应为 Fixed（已解决）或 NotFixed（结案未解决）", "outcome must be Fixed or NotFixed"));
        })
            .Require(Permission.CloseCase).WithSummary("结案: fixed, or \"closed, not fixed\" (never counted as fixed).");

        api.MapPost("/extend", (long id, ExtendBody? body, HttpContext http) => Run(http, id, Permission.HandleCase, "extend", body, x =>
            {
                var until = body!.Until?.UtcDateTime
                    ?? x.Clock.For(x.Case.UnitCode).AddWorkingDays(new DateTimeOffset(DateTime.SpecifyKind(x.Case.StageDeadline ?? x.Now, DateTimeKind.Utc)), body.WorkingDays!.Value).UtcDateTime;
                x.Case.AskExtension(x.Actor, x.Now, until, body.Reason ?? "");
            }, body is not { Until: not null } and not { WorkingDays: > 0 and <= 60 }
                ? Invalid("until", "须给出延期后的期限（until）或延长的工作日数（workingDays，1–60）", "give the new deadline (until) or the working days to add (workingDays, 1–60)")
                : null))
            .Require(Permission.HandleCase).WithSummary("延期 asked for by the unit: the reason and the deadline it needs; the dispatcher decides.");

        api.MapPost("/extension", (long id, DecisionBody? body, HttpContext http) => Run(http, id, Permission.ApproveExtension, "extension", body, x =>
            {
                var approve = body!.Approve!.Value;
                x.Case.DecideExtension(x.Actor, x.Now, approve, body.Comment);
                if (approve && x.Case.StageDeadline is { } until)
                {
                    x.Case.StageYellowAt = x.Clock.Until(x.Now, until, x.Case.UnitCode).YellowAt;
                }
            }, body?.Approve is null ? Invalid("approve", "须说明是否同意延期：true 或 false", "say whether the extension is approved: true or false") : null))
            .Require(Permission.ApproveExtension).WithSummary("The dispatcher approves or refuses the extension asked for.");

        api.MapPost("/park", (long id, ReasonBody? body, HttpContext http) => Run(http, id, Permission.ParkCase, "park", body,
            x => x.Case.Park(x.Actor, x.Now, body?.Reason ?? ""))).Require(Permission.ParkCase).WithSummary("挂账/缓办, approved with the reason: the clock stops.");

        api.MapPost("/resume", (long id, CommentBody? body, HttpContext http) => Run(http, id, Permission.ParkCase, "resume", body, x =>
        {
            // The clock stopped while the case was parked: it resumes with what it had left.
            var times = x.Case is { StageDeadline: { } due, ParkedAt: { } parked }
                ? x.Clock.Resume(parked, due, x.Now, clockMinutes: x.Case.ParkedFrom is CaseStatus.Registered or CaseStatus.Reported or CaseStatus.Accepted, x.Case.UnitCode)
                : (StageTimes?)null;
            x.Case.Resume(x.Actor, x.Now, times?.Deadline ?? x.Case.StageDeadline, body?.Comment);
            x.Case.StageYellowAt = times?.YellowAt ?? x.Case.StageYellowAt;
        })).Require(Permission.ParkCase).WithSummary("The parked case resumes where it stood, its deadline moved by the time it was parked.");

        api.MapPost("/supervise", (long id, SuperviseBody? body, HttpContext http) =>
        {
            var valid = TryParse<SupervisionLevel>(body?.Level ?? "", out var level, ("普通", SupervisionLevel.Normal), ("黄牌", SupervisionLevel.Yellow), ("红牌", SupervisionLevel.Red)) && level != SupervisionLevel.None;
            return Run(http, id, Permission.SuperviseCase, "supervise", body, x => x.Case.Supervise(x.Actor, x.Now, level, body?.Comment),
                valid ? null : Invalid("level", "督办级别应为 Normal（普通）、Yellow（黄牌）或 Red（红牌）", "level must be Normal, Yellow or Red"));
        })
            .Require(Permission.SuperviseCase).WithSummary("督办: raise the supervision level (普通 → 黄牌 → 红牌); it never goes down.");

        api.MapPost("/rate", (long id, RateBody? body, HttpContext http) =>
        {
            var valid = TryParse<Rating>(body?.Rating ?? "", out var rating, ("满意", Rating.Satisfied), ("基本满意", Rating.BasicallySatisfied), ("不满意", Rating.Dissatisfied));
            return Run(http, id, Permission.RateCase, "rate", body, x => Rate(x, rating, body?.Comment),
                valid ? null : Invalid("rating", "评价应为 Satisfied（满意）、BasicallySatisfied（基本满意）或 Dissatisfied（不满意）", "rating must be Satisfied, BasicallySatisfied or Dissatisfied"));
        })
            .Require(Permission.RateCase).WithSummary("评价 recorded for the reporter (e.g. on a call back); 不满意 within the window reopens the case against the closing unit.");

        api.MapPost("/reopen", (long id, ReasonBody? body, HttpContext http) => Run(http, id, Permission.CloseCase, "reopen", body, x =>
        {
            var times = x.Clock.Handling(x.Now, x.Profile, x.Case.UnitCode);
            x.Case.Reopen(x.Actor, x.Now, times.Deadline, body?.Reason ?? "");
            x.Case.StageYellowAt = times.YellowAt;
        })).Require(Permission.CloseCase).WithSummary("重开: a closed case goes back to the unit that closed it, with the reason.");

        return app;
    }

    /// <summary>
    /// 评价 with the reopening rule, shared by staff and the residents' page: 不满意 within the window reopens the case
    /// against the closing unit, due after a handling period on that unit's working time (computed only then).
    /// </summary>
    internal static void Rate(Case c, StepActor actor, DateTime now, StageClock clock, DeadlineProfile profile, RatingOptions options, Rating rating, string? comment)
    {
        var within = c.ClosedAt is { } closed && now <= closed.AddDays(options.ReopenWindowDays);
        var reopen = within && rating == Rating.Dissatisfied ? clock.Handling(now, profile, c.UnitCode) : new StageTimes(now, now);
        c.Rate(actor, now, rating, within, reopen.Deadline, comment);
        if (c.Status != CaseStatus.Closed)
        {
            c.StageYellowAt = reopen.YellowAt;
        }
    }

    private static void Rate(Context x, Rating rating, string? comment) => Rate(x.Case, x.Actor, x.Now, x.Clock, x.Profile, x.Rating, rating, comment);

    private static async Task<Results<Ok<CaseDetailDto>, ProblemHttpResult>> Run(
        HttpContext http, long id, Permission permission, string action, object? body, Action<Context> act, ProblemHttpResult? invalid = null, string? photos = null)
    {
        var services = http.RequestServices;
        var ct = http.RequestAborted;
        var db = services.GetRequiredService<AppDbContext>();

        // The request's own context carries the caller's scope: a case outside it does not exist for them, whatever the body says.
        if (!await db.Set<Case>().AnyAsync(c => c.Id == id, ct))
        {
            return CaseQueries.NotFound(id);
        }

        if (invalid is not null)
        {
            return invalid;
        }

        // Before and after photos are named by the hashes of photos already uploaded.
        var photoErrors = new List<ProblemItem>();
        var checkedPhotos = await PhotoRefs.CheckAsync(services.GetRequiredService<IPhotoStore>(), photos, photoErrors, ct);
        if (photoErrors.Count > 0)
        {
            return Problems.BadRequest("请求内容有误，案件未变。", "The request is not valid; the case is unchanged.", photoErrors);
        }

        var user = http.User;
        var actor = new StepActor(
            user.Identity?.Name ?? "anonymous",
            PermissionTable.RolesFor(permission).FirstOrDefault(user.IsInRole) ?? "",
            user.IsInRole(Roles.HandlingUnit) ? user.FindFirstValue(AccountClaims.Unit) : null);
        var clock = services.GetRequiredService<TimeProvider>();
        var (calendar, unitSchedules) = await services.GetRequiredService<CalendarCache>().ReadAsync(ct);
        var table = await services.GetRequiredService<DeadlineCache>().GetAsync(ct);
        var stageClock = new StageClock(calendar, services.GetRequiredService<IOptions<TrafficLightOptions>>().Value.YellowShare, unitSchedules);
        var rating = services.GetRequiredService<IOptions<RatingOptions>>().Value;
        var writes = services.GetRequiredService<WriteQueue>();
        try
        {
            var detail = await writes.WriteAsync(async (w, token) =>
            {
                var c = await w.Set<Case>().IgnoreQueryFilters().FirstAsync(x => x.Id == id, token);
                var now = clock.GetUtcNow().UtcDateTime;
                var before = c.Status;
                act(new Context(c, actor, now, stageClock, table.For(c.CategoryCode, c.Urgency, c.Area), rating, checkedPhotos));
                c.NoteYellow(now);
                new AuditTrail(w, new ReportCase.StepActorAsActor(actor), clock)
                    .Record("cases." + action, "case:" + id, new { id, action, body }, $"{before} → {c.Status}");
                await w.SaveChangesAsync(token);
                await w.Entry(c).Collection(x => x.Steps).LoadAsync(token);
                return CaseQueries.Detail(c, now);
            }, ct);
            return TypedResults.Ok(detail);
        }
        catch (CaseRuleException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, e.Code, "不能执行", "Not allowed now", e.Chinese, e.English);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "changed-meanwhile", "案件已被他人处理", "Changed meanwhile",
                "案件刚被他人处理过，请刷新后再试。", "Someone acted on the case meanwhile: reload it and try again.");
        }
        catch (CalendarNotLoadedException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "calendar-not-loaded", "工作日历未载入", "Calendar not loaded",
                $"{e.Year} 年的工作日历尚未载入，无法计算期限。请管理员载入后再试。", $"The {e.Year} working calendar is not loaded, so the deadline cannot be computed. An administrator must load it first.");
        }
    }

    private static async Task<ProblemHttpResult?> UnknownUnitsAsync(AppDbContext db, IReadOnlyList<string> codes, string field, CancellationToken ct)
    {
        if (codes.Count == 0)
        {
            return field == "unit" ? Invalid(field, "须指定处置单位（该案件没有路由建议的单位）", "name the handling unit (the case has no routed unit)") : null;
        }

        // A dispatcher may send work to any active unit, a city utility outside their district included.
        var known = await db.Units.IgnoreQueryFilters().Where(u => codes.Contains(u.Code) && u.Active).Select(u => u.Code).ToListAsync(ct);
        var unknown = codes.Except(known).ToList();
        return unknown.Count == 0 ? null
            : Problems.BadRequest("处置单位不存在或已停用。", "The handling unit does not exist or is no longer active.",
                [.. unknown.Select(u => new ProblemItem("body", field, "unknown-unit", Text.Pick($"没有在用的单位 {u}", $"no active unit {u}")))]);
    }

    private static ProblemHttpResult Invalid(string field, string zh, string en) =>
        Problems.BadRequest("请求内容有误，案件未变。", "The request is not valid; the case is unchanged.", [new ProblemItem("body", field, "invalid-" + field, Text.Pick(zh, en))]);

    private static bool TryParse<T>(string text, out T value, params (string Zh, T Value)[] names)
        where T : struct, Enum
    {
        foreach (var (zh, v) in names)
        {
            if (text == zh)
            {
                value = v;
                return true;
            }
        }

        return Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);
    }
}
