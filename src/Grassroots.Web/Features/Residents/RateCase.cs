using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Residents;

/// <summary>
/// 评价: the reporter rates a closed case. 不满意 within <see cref="RatingOptions.ReopenWindowDays"/> of closing
/// reopens it against the unit that closed it, with a new handling deadline from the deadline table and the
/// working calendar. Written through the write queue with its audit entry.
/// </summary>
public sealed class RateCase(
    WriteQueue writes, CalendarCache calendars, DeadlineCache deadlines, TimeProvider clock,
    IOptions<RatingOptions> rating, IOptions<TrafficLightOptions> lights, TrackingCodes trackingCodes)
{
    /// <returns>Null when the rating was recorded, else the problem that stopped it (nothing written).</returns>
    public async Task<ProblemHttpResult?> RunAsync(string trackingCode, string? ratingText, string? comment, StepActor actor, CancellationToken ct)
    {
        var errors = new List<ProblemItem>();
        if (!PublicTimeline.TryRating(ratingText, out var value))
        {
            errors.Add(new("body", "rating", "unknown-rating", Text.Pick("评价应为 满意、基本满意 或 不满意", "rating must be Satisfied, BasicallySatisfied or Dissatisfied")));
        }

        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (text is { Length: > 500 })
        {
            errors.Add(new("body", "comment", "too-long", Text.Pick("评价意见最多 500 字", "a comment is at most 500 characters")));
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest("评价内容有误。", "The rating is not valid.", errors);
        }

        var code = TrackingCodeCipher.Normalize(trackingCode) ?? trackingCode.Trim();
        var (calendar, unitSchedules) = await calendars.ReadAsync(ct);
        var stageClock = new StageClock(calendar, lights.Value.YellowShare, unitSchedules);
        var table = await deadlines.GetAsync(ct);
        return await writes.WriteAsync<ProblemHttpResult?>(async (db, token) =>
        {
            var c = await trackingCodes.FindAsync(db.Set<Case>().IgnoreQueryFilters(), db, code, token);
            if (c is null)
            {
                return ResidentEndpoints.NotFound(code);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            try
            {
                CaseActions.Rate(c, actor, now, stageClock, table.For(c.CategoryCode, c.Urgency, c.Area), rating.Value, value, text);
                c.NoteYellow(now);
            }
            catch (CaseRuleException e)
            {
                return Problems.Of(StatusCodes.Status409Conflict, e.Code, "状态冲突", "Conflict", e.Chinese, e.English);
            }
            catch (CalendarNotLoadedException e)
            {
                return Problems.Of(StatusCodes.Status409Conflict, "calendar-not-loaded", "工作日历未载入", "Calendar not loaded",
                    $"{e.Year} 年的工作日历尚未载入，暂时无法重新办理。请稍后再评价，或拨打 12345。", $"The {e.Year} working calendar is not loaded yet, so the case cannot be reopened now. Rate again later, or call 12345.");
            }

            var reopened = c.Status == CaseStatus.Dispatched;
            var audit = new AuditTrail(db, new ReportCase.StepActorAsActor(actor), clock);
            audit.Record("cases.rate", "case:" + c.Id, new { c.Id, rating = value.ToString(), reopened },
                reopened ? $"{value}: reopened against {c.UnitCode}" : value.ToString());
            await db.SaveChangesAsync(token);
            return null;
        }, ct);
    }
}
