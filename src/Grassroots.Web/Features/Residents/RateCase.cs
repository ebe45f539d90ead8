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
    IOptions<RatingOptions> rating, IOptions<TrafficLightOptions> lights)
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

        var code = trackingCode.Trim().ToUpperInvariant();
        var calendar = await calendars.GetAsync(ct);
        var table = await deadlines.GetAsync(ct);
        var window = TimeSpan.FromDays(rating.Value.ReopenWindowDays);
        return await writes.WriteAsync<ProblemHttpResult?>(async (db, token) =>
        {
            var c = await db.Set<Case>().IgnoreQueryFilters().FirstOrDefaultAsync(x => x.TrackingCode == code, token);
            if (c is null)
            {
                return ResidentEndpoints.NotFound(code);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var within = c.ClosedAt is { } closed && now - closed <= window;
            var times = within && value == Rating.Dissatisfied ? HandlingTimes(c, now, calendar, table) : new StageTimes(now, now);
            try
            {
                c.Rate(actor, now, value, within, times.Deadline, text);
            }
            catch (CaseRuleException e)
            {
                return Problems.Of(StatusCodes.Status409Conflict, e.Code, "状态冲突", "Conflict", e.Chinese, e.English);
            }

            if (c.Status == CaseStatus.Dispatched)
            {
                c.StageYellowAt = times.YellowAt;
            }

            var audit = new AuditTrail(db, new ReportCase.StepActorAsActor(actor), clock);
            audit.Record("cases.rate", "case:" + c.Id, new { c.Id, rating = value.ToString(), reopened = c.Status == CaseStatus.Dispatched },
                c.Status == CaseStatus.Dispatched ? $"{value}: reopened against {c.UnitCode}" : value.ToString());
            await db.SaveChangesAsync(token);
            return null;
        }, ct);
    }

    private StageTimes HandlingTimes(Case c, DateTime now, WorkingCalendar calendar, DeadlineTable table)
    {
        var profile = table.For(c.CategoryCode, c.Urgency, c.Area);
        try
        {
            return new StageClock(calendar, lights.Value.YellowShare).Handling(now, profile);
        }
        catch (CalendarNotLoadedException)
        {
            // A rating is never refused for want of next year's calendar: the limit runs on the clock instead.
            var limit = profile.HandlingUnit == LimitUnit.WorkingHours ? TimeSpan.FromHours(profile.HandlingLimit) : TimeSpan.FromDays(profile.HandlingLimit);
            return new StageTimes(now + limit, now + limit * lights.Value.YellowShare);
        }
    }
}
