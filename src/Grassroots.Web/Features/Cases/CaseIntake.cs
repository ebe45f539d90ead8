using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Photos;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Units;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Cases;

/// <summary>What every intake channel (staff API, residents' page, Open311, hotline) hands in.</summary>
public sealed record IntakeInput(
    string? Category, double? Lon, double? Lat, string? Description, string? Urgency, string? Source,
    string? ReporterName = null, string? ReporterPhone = null, string? ReporterEmail = null, string? Photos = null);

/// <summary>The answer of an intake: the case reported or joined, or the problem that stopped it (nothing written).</summary>
public sealed record IntakeOutcome(ReportedDto? Case, bool Linked, ProblemHttpResult? Problem);

/// <summary>
/// Intake, the same for every channel: a report is checked, located to its grid and everything above it,
/// routed to one unit, timed from the deadline table and the working calendar, joined to an open case of
/// the same category nearby if there is one, and written through the write queue with its first step and
/// audit entry. An idempotency key makes a retry answer what the first request got, and create nothing.
/// </summary>
public sealed class CaseIntake(
    RegistryCache registry, CalendarCache calendars, DeadlineCache deadlines, UnitDirectory units, WriteQueue writes,
    TimeProvider clock, IOptions<IntakeOptions> options, IOptions<TrafficLightOptions> lights, IPhotoStore photoStore, DuplicateIndex nearby,
    TrackingCodes trackingCodes)
{
    /// <param name="scope">The reporter's data scope; null for channels open to the public (residents, Open311 keys scoped to the city).</param>
    public async Task<IntakeOutcome> ReportAsync(IntakeInput request, StepActor actor, IDataScope? scope, string? idempotencyKey, CancellationToken ct)
    {
        var errors = new List<ProblemItem>();
        var key = idempotencyKey ?? "";
        if (key.Length > 100)
        {
            errors.Add(new("header", "Idempotency-Key", "too-long", Text.Pick("最多 100 个字符", "at most 100 characters")));
        }

        var table = await deadlines.GetAsync(ct);
        var category = string.IsNullOrWhiteSpace(request.Category) ? null : table.Category(request.Category);
        if (category is not { IsSubcategory: true, Active: true })
        {
            errors.Add(new("body", "category", "unknown-category", Text.Pick($"没有可用的小类 {request.Category}", $"no active subcategory {request.Category}")));
        }

        if (request.Lon is not { } lon || !double.IsFinite(lon) || lon is < -180 or > 180)
        {
            errors.Add(new("body", "lon", "invalid-coordinate", Text.Pick("经度缺失或超出范围", "longitude missing or out of range")));
        }

        if (request.Lat is not { } lat || !double.IsFinite(lat) || lat is < -90 or > 90)
        {
            errors.Add(new("body", "lat", "invalid-coordinate", Text.Pick("纬度缺失或超出范围", "latitude missing or out of range")));
        }

        var description = request.Description?.Trim();
        if (string.IsNullOrEmpty(description) || description.Length > 4000)
        {
            errors.Add(new("body", "description", "invalid-description", Text.Pick("请描述问题（最多 4000 字）", "describe the problem (at most 4000 characters)")));
        }

        var urgency = Urgency.Normal;
        if (request.Urgency is not null && !ReportCase.TryUrgency(request.Urgency, out urgency))
        {
            errors.Add(new("body", "urgency", "unknown-urgency", Text.Pick("紧急程度应为 一般/紧急（Normal/Urgent）", "urgency must be Normal or Urgent")));
        }
        else if (urgency == Urgency.Urgent && category is { UrgentAllowed: false })
        {
            errors.Add(new("body", "urgency", "urgent-not-allowed", Text.Pick("该小类不能标为紧急", "this subcategory cannot be urgent")));
        }

        if (!Enum.TryParse<CaseSource>(request.Source, ignoreCase: true, out var source) || !Enum.IsDefined(source))
        {
            errors.Add(new("body", "source", "unknown-source", Text.Pick("来源应为 GridWorker、Resident、Hotline、Leader 或 Inspection", "source must be GridWorker, Resident, Hotline, Leader or Inspection")));
        }

        var name = Clean(request.ReporterName, 50, "reporterName", errors);
        var phone = Clean(request.ReporterPhone, 20, "reporterPhone", errors);
        if (phone is not null && !phone.All(ch => char.IsAsciiDigit(ch) || ch is '-' or '+' or ' '))
        {
            errors.Add(new("body", "reporterPhone", "invalid-phone", Text.Pick("电话只能包含数字、空格、+ 和 -", "a phone number holds digits, spaces, + and - only")));
        }

        var email = Clean(request.ReporterEmail, 100, "reporterEmail", errors);
        if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.StartsWith('@') || email.EndsWith('@')))
        {
            errors.Add(new("body", "reporterEmail", "invalid-email", Text.Pick("电子邮箱格式不对", "not an e-mail address")));
        }

        var photos = await PhotoRefs.CheckAsync(photoStore, request.Photos, errors, ct);
        if (errors.Count > 0)
        {
            return Refused(Problems.BadRequest("上报内容有误，未创建案件。", "The report is not valid; no case was created.", errors));
        }

        var location = registry.Current.Locate(request.Lon!.Value, request.Lat!.Value);
        if (location is null)
        {
            return Refused(Problems.Of(StatusCodes.Status422UnprocessableEntity, "outside-city", "不在本市范围", "Outside the city",
                "上报位置不在本市任何网格内，未创建案件。请确认定位。", "The location lies outside every grid of the city; no case was created. Check the position."));
        }

        if (scope is not null && ((scope.RegionPath is { } path && !location.Community.Path.StartsWith(path, StringComparison.Ordinal))
            || (scope.Grids is { } grids && !grids.Contains(location.Grid.Code))))
        {
            return Refused(Problems.NotFound("上报位置不在你的管辖范围内。", "The location is outside your part of the tree."));
        }

        var area = location.Community.Kind.IsRural() ? Area.Rural : Area.Urban;
        var profile = table.For(category!.Code, urgency, area);
        var directory = await units.GetAsync(ct);
        var unit = ReportCase.RouteCandidates(category, location.District.Code, location.Street.Code)
            .Select(code => directory.GetValueOrDefault(code)).FirstOrDefault(u => u is { Active: true });
        var now = clock.GetUtcNow().UtcDateTime;
        var (calendar, unitSchedules) = await calendars.ReadAsync(ct);
        var clockOf = new StageClock(calendar, lights.Value.YellowShare, unitSchedules);
        var dispatch = clockOf.Dispatch(now, profile);
        var registerDeadline = dispatch.Deadline;
        DateTime? expected = null;
        try
        {
            expected = clockOf.Handling(registerDeadline, profile, unit?.Code).Deadline;
        }
        catch (CalendarNotLoadedException)
        {
            // A report is never refused for want of next year's calendar; the deadline follows when it is loaded.
        }

        var settings = options.Value;
        // What the writer's turn needs and does not depend on the database, computed here on the request's thread: the
        // new case's audit digest (its id is in the entry's target, which the chain hashes). A report that joins a case,
        // the rare one, has its digest made in the turn.
        var redacted = Redacted(request);
        var reportDigest = AuditChain.DigestOf(new { request = redacted, unit = unit?.Code });
        var cipher = trackingCodes.Cipher;
        // Saved with the other reports waiting beside it, in one save: the work reads all it needs again if it runs twice.
        var (c, linked) = await writes.WriteTogetherAsync(async (w, token) =>
        {
            if (key.Length > 0 && await w.Set<IntakeRequest>().FindAsync([key], token) is { } earlier)
            {
                // FindAsync sees a retry's first request in this same group too, before it is saved.
                return (PreparedInserts.FindNew(w, earlier.CaseId) ?? w.Set<Case>().Local.FirstOrDefault(x => x.Id == earlier.CaseId)
                    ?? await w.Set<Case>().IgnoreQueryFilters().AsNoTracking().FirstAsync(x => x.Id == earlier.CaseId, token), earlier.Linked);
            }

            var audit = new AuditTrail(w, new ReportCase.StepActorAsActor(actor), clock);
            var embedded = w.IsSqlite;
            var duplicate = embedded
                ? await nearby.FindAsync(w, category.Code, request.Lon.Value, request.Lat.Value, now, token)
                : await ReportCase.FindDuplicateAsync(w, category.Code, request.Lon.Value, request.Lat.Value, now, settings, token);
            Case saved;
            if (duplicate is not null)
            {
                duplicate.Link(actor, now, description!, photos);
                audit.Record("cases.link", "case:" + duplicate.Id, new { request = redacted }, $"report joined to case {duplicate.Id}");
                saved = duplicate;
            }
            else
            {
                // The tracking code is the new id enciphered: unique without an index to keep.
                var id = await CaseIds.NextAsync(w, token);
                saved = Case.Report(category.Code, urgency, source, request.Lon.Value, request.Lat.Value, location.Grid.Code, location.Community.Path, description!, actor, now, registerDeadline, photos, cipher.New(id));
                saved.Id = id;
                saved.Area = area;
                saved.RoutedUnitCode = unit?.Code;
                saved.StageYellowAt = dispatch.YellowAt;
                (saved.ReporterName, saved.ReporterPhone, saved.ReporterEmail) = (name, phone, email);
                if (!PreparedInserts.TryAddNew(w, saved))
                {
                    w.Set<Case>().Add(saved);
                }

                if (embedded)
                {
                    nearby.Add(saved);
                }
                audit.RecordDigest("cases.report", "case:" + saved.Id, reportDigest, $"{category.Code} at {location.Grid.Code}");
            }

            if (key.Length > 0)
            {
                w.Set<IntakeRequest>().Add(new IntakeRequest { Key = key, CaseId = saved.Id, Linked = duplicate is not null, At = now });
            }

            return (saved, duplicate is not null);
        }, ct);

        var dto = new ReportedDto(
            c.Id, c.TrackingCode, linked, c.Status.ToString(), c.CategoryCode, c.Urgency.ToString(),
            new GridRefDto(location.Grid.Code, location.Grid.Name, location.Grid.Kind == GridKind.Basic ? "basic" : "dedicated", location.Grid.AreaM2, location.Grid.Owner),
            new PlaceDto(location.Community.Code, location.Community.Name), new PlaceDto(location.Street.Code, location.Street.Name), new PlaceDto(location.District.Code, location.District.Name),
            unit is null ? null : new UnitRefDto(unit.Code, unit.Name),
            linked ? c.StageDeadline : registerDeadline, expected);
        return new IntakeOutcome(dto, linked, null);
    }

    private static IntakeOutcome Refused(ProblemHttpResult problem) => new(null, false, problem);

    /// <summary>The report as the audit trail keeps it: contact data only as a digest, so the trail holds no personal data to erase.</summary>
    private static object Redacted(IntakeInput r) => new
    {
        r.Category,
        r.Lon,
        r.Lat,
        r.Description,
        r.Urgency,
        r.Source,
        r.Photos,
        contact = r.ReporterName is null && r.ReporterPhone is null && r.ReporterEmail is null ? null : AuditChain.DigestOf(new { r.ReporterName, r.ReporterPhone, r.ReporterEmail }),
    };

    private static string? Clean(string? text, int max, string field, List<ProblemItem> errors)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > max)
        {
            errors.Add(new("body", field, "too-long", Text.Pick($"最多 {max} 个字符", $"at most {max} characters")));
        }

        return trimmed;
    }
}
