using System.Security.Claims;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Units;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Cases;

public sealed class IntakeOptions
{
    /// <summary>A report of the same category this close to an open case joins it.</summary>
    public double DuplicateRadiusMeters { get; set; } = 50;

    /// <summary>… if that case was reported within this many hours.</summary>
    public double DuplicateWindowHours { get; set; } = 72;
}

public sealed record ReportRequest(string? Category, double? Lon, double? Lat, string? Description, string? Urgency, string? Source);

public sealed record UnitRefDto(string Code, string Name);

public sealed record ReportedDto(
    long Id, string TrackingCode, bool Linked, string Status, string Category, string Urgency,
    GridRefDto Grid, PlaceDto Community, PlaceDto Street, PlaceDto District, UnitRefDto? ResponsibleUnit,
    DateTime? RegisterDeadline, DateTime? ExpectedDeadline);

/// <summary>
/// Intake: a report is located to its grid and everything above it, routed to one unit, timed from the
/// deadline table and the working calendar, joined to an open case of the same category nearby if there
/// is one, and written through the write queue with its first step and audit entry. An Idempotency-Key
/// makes a retry answer what the first request got, and create nothing.
/// </summary>
public static class ReportCase
{
    public static IEndpointRouteBuilder MapCaseIntake(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/cases", Post).Require(Permission.ReportCase).WithTags("Cases")
            .WithSummary("Reports a problem: located, routed, timed, joined to a nearby open case of the same category, or opened as a new case.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<Results<Created<ReportedDto>, Ok<ReportedDto>, ProblemHttpResult>> Post(
        ReportRequest request, HttpContext http, ClaimsPrincipal user, AppDbContext db, DataScope scope, RegistryCache registry,
        CalendarCache calendars, DeadlineCache deadlines, WriteQueue writes, TimeProvider clock, IOptions<IntakeOptions> options, CancellationToken ct)
    {
        var errors = new List<ProblemItem>();
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 100)
        {
            errors.Add(new("header", "Idempotency-Key", "too-long", Text.Pick("最多 100 个字符", "at most 100 characters")));
        }

        var category = string.IsNullOrWhiteSpace(request.Category) ? null
            : await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Code == request.Category, ct);
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
        if (request.Urgency is not null && !TryUrgency(request.Urgency, out urgency))
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

        if (errors.Count > 0)
        {
            return Problems.BadRequest("上报内容有误，未创建案件。", "The report is not valid; no case was created.", errors);
        }

        var location = registry.Current.Locate(request.Lon!.Value, request.Lat!.Value);
        if (location is null)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "outside-city", "不在本市范围", "Outside the city",
                "上报位置不在本市任何网格内，未创建案件。请确认定位。", "The location lies outside every grid of the city; no case was created. Check the position.");
        }

        if (!scope.Covers(location.Community.Path) || (scope.Grids is { } grids && !grids.Contains(location.Grid.Code)))
        {
            return Problems.NotFound("上报位置不在你的管辖范围内。", "The location is outside your part of the tree.");
        }

        var area = location.Community.Kind.IsRural() ? Area.Rural : Area.Urban;
        var profile = (await deadlines.GetAsync(ct)).For(category!.Code, urgency, area);
        var unit = await RouteAsync(db, category, location, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var registerDeadline = now.AddMinutes(profile.DispatchMinutes);
        DateTime? expected = null;
        try
        {
            var calendar = await calendars.GetAsync(ct);
            var from = new DateTimeOffset(registerDeadline);
            expected = (profile.HandlingUnit == LimitUnit.WorkingHours
                ? calendar.AddWorkingHours(from, profile.HandlingLimit)
                : calendar.AddWorkingDays(from, profile.HandlingLimit)).UtcDateTime;
        }
        catch (CalendarNotLoadedException)
        {
            // A report is never refused for want of next year's calendar; the deadline follows when it is loaded.
        }

        var actor = new StepActor(user.Identity?.Name ?? "anonymous", PermissionTable.RolesFor(Permission.ReportCase).FirstOrDefault(user.IsInRole) ?? "", null);
        var settings = options.Value;
        var (c, linked) = await writes.WriteAsync(async (w, token) =>
        {
            if (key.Length > 0 && await w.Set<IntakeRequest>().FindAsync([key], token) is { } earlier)
            {
                return (await w.Set<Case>().IgnoreQueryFilters().AsNoTracking().FirstAsync(x => x.Id == earlier.CaseId, token), earlier.Linked);
            }

            var audit = new AuditTrail(w, new StepActorAsActor(actor), clock);
            var duplicate = await FindDuplicateAsync(w, category.Code, request.Lon.Value, request.Lat.Value, now, settings, token);
            Case saved;
            if (duplicate is not null)
            {
                duplicate.Link(actor, now, description!);
                audit.Record("cases.link", "case:" + duplicate.Id, new { duplicate.Id, request }, $"report joined to case {duplicate.Id}");
                saved = duplicate;
            }
            else
            {
                saved = Case.Report(category.Code, urgency, source, request.Lon.Value, request.Lat.Value, location.Grid.Code, location.Community.Path, description!, actor, now, registerDeadline);
                saved.RoutedUnitCode = unit?.Code;
                w.Set<Case>().Add(saved);
                await w.SaveChangesAsync(token);
                audit.Record("cases.report", "case:" + saved.Id, new { saved.Id, request, unit = unit?.Code }, $"{category.Code} at {location.Grid.Code}");
            }

            if (key.Length > 0)
            {
                w.Set<IntakeRequest>().Add(new IntakeRequest { Key = key, CaseId = saved.Id, Linked = duplicate is not null, At = now });
            }

            await w.SaveChangesAsync(token);
            return (saved, duplicate is not null);
        }, ct);

        var dto = new ReportedDto(
            c.Id, c.TrackingCode, linked, c.Status.ToString(), c.CategoryCode, c.Urgency.ToString(),
            new GridRefDto(location.Grid.Code, location.Grid.Name, location.Grid.Kind == GridKind.Basic ? "basic" : "dedicated", location.Grid.AreaM2, location.Grid.Owner),
            new PlaceDto(location.Community.Code, location.Community.Name), new PlaceDto(location.Street.Code, location.Street.Name), new PlaceDto(location.District.Code, location.District.Name),
            unit is null ? null : new UnitRefDto(unit.Code, unit.Name),
            linked ? c.StageDeadline : registerDeadline, expected);
        return linked ? TypedResults.Ok(dto) : TypedResults.Created($"/api/cases/{c.Id}", dto);
    }

    /// <summary>
    /// The one unit responsible (责任主体唯一): the category's department in the district (a utility for the
    /// whole city), else the street office of the place (属地兜底). Dedicated grids' owners have no units of
    /// their own yet, so their locality answers for them.
    /// </summary>
    internal static async Task<HandlingUnit?> RouteAsync(AppDbContext db, CaseCategory category, Location location, CancellationToken ct)
    {
        var candidates = new List<string>();
        if (category.Department is { Length: > 0 } department && category.UnitKind is not HandlingUnitKind.StreetOffice)
        {
            candidates.Add(category.UnitKind == HandlingUnitKind.Utility
                ? DemoUnits.CodeOf(location.District.Code[..4] + "00000000", department)
                : DemoUnits.CodeOf(location.District.Code, department));
        }

        candidates.Add(DemoUnits.CodeOf(location.Street.Code, DemoUnits.StreetOffice));
        var units = await db.Units.IgnoreQueryFilters().AsNoTracking().Where(u => candidates.Contains(u.Code) && u.Active).ToListAsync(ct);
        return candidates.Select(code => units.FirstOrDefault(u => u.Code == code)).FirstOrDefault(u => u is not null);
    }

    private static async Task<Case?> FindDuplicateAsync(AppDbContext db, string category, double lon, double lat, DateTime now, IntakeOptions options, CancellationToken ct)
    {
        var since = now.AddHours(-options.DuplicateWindowHours);
        var dLat = options.DuplicateRadiusMeters / 111_320.0;
        var dLon = dLat / Math.Cos(lat * Math.PI / 180);
        var near = await db.Set<Case>().IgnoreQueryFilters()
            .Where(c => c.CategoryCode == category && c.ReportedAt >= since
                && c.Status != CaseStatus.Closed && c.Status != CaseStatus.Voided
                && c.Lon >= lon - dLon && c.Lon <= lon + dLon && c.Lat >= lat - dLat && c.Lat <= lat + dLat)
            .ToListAsync(ct);
        var nearest = near
            .Select(c => (Case: c, Meters: Meters(lon, lat, c.Lon, c.Lat)))
            .Where(x => x.Meters <= options.DuplicateRadiusMeters)
            .OrderBy(x => x.Meters)
            .Select(x => x.Case)
            .FirstOrDefault();
        if (nearest is not null)
        {
            // Its steps, so the joined report is numbered after them.
            await db.Entry(nearest).Collection(c => c.Steps).LoadAsync(ct);
        }

        return nearest;
    }

    private static double Meters(double lon1, double lat1, double lon2, double lat2)
    {
        var dLat = (lat2 - lat1) * 111_320.0;
        var dLon = (lon2 - lon1) * 111_320.0 * Math.Cos((lat1 + lat2) / 2 * Math.PI / 180);
        return Math.Sqrt(dLat * dLat + dLon * dLon);
    }

    private static bool TryUrgency(string text, out Urgency urgency)
    {
        urgency = text switch
        {
            "一般" => Urgency.Normal,
            "紧急" => Urgency.Urgent,
            _ => Enum.TryParse<Urgency>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : (Urgency)(-1),
        };
        return Enum.IsDefined(urgency);
    }

    private sealed class StepActorAsActor(StepActor actor) : IActor
    {
        public string Name => actor.Name;

        public string Roles => actor.Role;
    }
}
