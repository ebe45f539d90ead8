using System.Security.Claims;
using Grassroots.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Units;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Cases;

public sealed class IntakeOptions
{
    /// <summary>A report of the same category this close to an open case joins it.</summary>
    public double DuplicateRadiusMeters { get; set; } = 50;

    /// <summary>… if that case was reported within this many hours.</summary>
    public double DuplicateWindowHours { get; set; } = 72;
}

/// <summary>A report from staff: a grid worker's patrol, a hotline transfer with the caller's contact data, a leader's assignment.</summary>
public sealed record ReportRequest(
    string? Category, double? Lon, double? Lat, string? Description, string? Urgency, string? Source,
    string? ReporterName = null, string? ReporterPhone = null, string? ReporterEmail = null, string? Photos = null);

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
        ReportRequest request, HttpContext http, ClaimsPrincipal user, DataScope scope, CaseIntake intake, CancellationToken ct)
    {
        var actor = new StepActor(user.Identity?.Name ?? "anonymous", PermissionTable.RolesFor(Permission.ReportCase).FirstOrDefault(user.IsInRole) ?? "", null);
        var input = new IntakeInput(request.Category, request.Lon, request.Lat, request.Description, request.Urgency, request.Source,
            request.ReporterName, request.ReporterPhone, request.ReporterEmail, request.Photos);
        var outcome = await intake.ReportAsync(input, actor, scope, http.Request.Headers["Idempotency-Key"].ToString(), ct);
        return outcome switch
        {
            { Problem: { } problem } => problem,
            { Linked: true } => TypedResults.Ok(outcome.Case!),
            _ => TypedResults.Created($"/api/cases/{outcome.Case!.Id}", outcome.Case!),
        };
    }

    /// <summary>The units routing tries, in order: the first one that exists and is active takes the case.</summary>
    internal static List<string> RouteCandidates(CaseCategory category, string districtCode, string streetCode)
    {
        var candidates = new List<string>(2);
        if (category.Department is { Length: > 0 } department && category.UnitKind is not HandlingUnitKind.StreetOffice)
        {
            candidates.Add(category.UnitKind == HandlingUnitKind.Utility
                ? DemoUnits.CodeOf(districtCode[..4] + "00000000", department)
                : DemoUnits.CodeOf(districtCode, department));
        }

        candidates.Add(DemoUnits.CodeOf(streetCode, DemoUnits.StreetOffice));
        return candidates;
    }

    private sealed record Nearby(long Id, double Lon, double Lat);

    private static readonly Func<AppDbContext, string, DateTime, double, double, double, double, IAsyncEnumerable<Nearby>> NearbyOpen =
        EF.CompileAsyncQuery((AppDbContext db, string category, DateTime since, double minLon, double maxLon, double minLat, double maxLat) =>
            db.Set<Case>().IgnoreQueryFilters()
                .Where(c => c.CategoryCode == category && c.Lat >= minLat && c.Lat <= maxLat && c.Lon >= minLon && c.Lon <= maxLon
                    && c.ReportedAt >= since && c.Status != CaseStatus.Closed && c.Status != CaseStatus.Voided)
                .Select(c => new Nearby(c.Id, c.Lon, c.Lat)));

    /// <summary>
    /// The nearest open case of the category within the radius and the window: one already saved, or one
    /// reported moments ago and waiting in the same save of the single writer.
    /// </summary>
    internal static async Task<Case?> FindDuplicateAsync(AppDbContext db, string category, double lon, double lat, DateTime now, IntakeOptions options, CancellationToken ct)
    {
        var since = now.AddHours(-options.DuplicateWindowHours);
        var dLat = options.DuplicateRadiusMeters / MetersPerDegree;
        var dLon = dLat / Math.Cos(lat * Math.PI / 180);
        // Candidates as ids and positions only (compiled once): the one chosen is loaded, tracked, by its key.
        var near = new List<(long Id, double Lon, double Lat)>();
        await foreach (var c in NearbyOpen(db, category, since, lon - dLon, lon + dLon, lat - dLat, lat + dLat).WithCancellation(ct))
        {
            near.Add((c.Id, c.Lon, c.Lat));
        }

        // Added entries are known without a scan of every tracked entity for changes.
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        List<Case> pending;
        try
        {
            pending = [.. db.ChangeTracker.Entries<Case>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
                .Where(c => c.CategoryCode == category && c.ReportedAt >= since)];
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }

        var within = near.Select(c => (c.Id, Case: (Case?)null, Meters: Meters(lon, lat, c.Lon, c.Lat)))
            .Concat(pending.Select(c => (c.Id, Case: (Case?)c, Meters: Meters(lon, lat, c.Lon, c.Lat))))
            .Where(x => x.Meters <= options.DuplicateRadiusMeters)
            .OrderBy(x => x.Meters)
            .ToList();
        if (within.Count == 0)
        {
            return null;
        }

        return within[0].Case ?? await db.Set<Case>().FindAsync([within[0].Id], ct);
    }

    /// <summary>Metres in a degree of latitude (and of longitude at the equator), for distances on the local plane.</summary>
    internal const double MetersPerDegree = 111_320.0;

    internal static double Meters(double lon1, double lat1, double lon2, double lat2)
    {
        var dLat = (lat2 - lat1) * MetersPerDegree;
        var dLon = (lon2 - lon1) * MetersPerDegree * Math.Cos((lat1 + lat2) / 2 * Math.PI / 180);
        return Math.Sqrt(dLat * dLat + dLon * dLon);
    }

    internal static bool TryUrgency(string text, out Urgency urgency)
    {
        urgency = text switch
        {
            "一般" => Urgency.Normal,
            "紧急" => Urgency.Urgent,
            _ => Enum.TryParse<Urgency>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : (Urgency)(-1),
        };
        return Enum.IsDefined(urgency);
    }

    internal sealed class StepActorAsActor(StepActor actor) : IActor
    {
        public string Name => actor.Name;

        public string Roles => actor.Role;
    }
}
