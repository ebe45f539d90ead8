using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Photos;
using Grassroots.Web.Features.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Residents;

public sealed record PublicReportRequest(string? Category, double? Lon, double? Lat, string? Description, string? Name, string? Phone, IReadOnlyList<string>? Photos);

public sealed record PublicPlaceDto(string District, string Street, string Community, string Grid);

public sealed record PublicReportedDto(string TrackingCode, bool Linked, string Status, string StatusLabel, PublicPlaceDto Place, DateTime? ExpectedDeadline);

public sealed record PublicCaseDto(
    string TrackingCode, string Category, string CategoryName, string Status, string StatusLabel, bool Open, string? Outcome,
    DateTime ReportedAt, DateTime UpdatedAt, DateTime? Deadline, PublicPlaceDto? Place, string Description,
    string? Rating, bool CanRate, IReadOnlyList<PublicStepDto> Timeline);

public sealed record PublicStepDto(DateTime At, string Kind, string Label, string? Note, IReadOnlyList<string> Photos);

public sealed record RateRequest(string? Rating, string? Comment);

public sealed record DistrictDto(string Code, string Name);

/// <summary>
/// The residents' side (多听群众说), open to anyone and rate-limited: report a problem, follow it by its
/// tracking code, rate the result; and the map data the page draws (grids by district, no personal data).
/// </summary>
public static class ResidentEndpoints
{
    /// <summary>The actor of every step a resident takes; residents have no account and no name on a step.</summary>
    public static readonly StepActor Resident = new("居民", "Resident");

    public static IServiceCollection AddResidents(this IServiceCollection services) => services.AddScoped<RateCase>();

    public static IEndpointRouteBuilder MapResidentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/public").WithTags("Residents").RequireRateLimiting(AccountsSetup.PublicLimit);
        api.MapGet("/districts", Districts).Public().WithSummary("The districts that have grids, for the residents' map.");
        api.MapGet("/grids", Grids).Public()
            .WithSummary("The current grids of one district as GeoJSON, for the residents' map (outlines and names only).")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/reports", Report).Public()
            .WithSummary("A resident reports a problem (no account); answers the tracking code. Honours Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/cases/{trackingCode}", Follow).Public()
            .WithSummary("A case by its tracking code: status and public history, without names or contact data.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/cases/{trackingCode}/rate", Rate).Public()
            .WithSummary("The reporter rates a closed case 满意/基本满意/不满意; 不满意 within the window reopens it against the closing unit.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static Ok<List<DistrictDto>> Districts(RegistryCache registry)
    {
        var snapshot = registry.Current;
        var codes = snapshot.Grids.Select(g => g.RegionPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 2).Select(p => p[1]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return TypedResults.Ok(codes.Select(snapshot.Region).OfType<RegionInfo>().Select(r => new DistrictDto(r.Code, r.Name)).ToList());
    }

    private static Results<GeoJsonResult, ProblemHttpResult> Grids(RegistryCache registry, string? district)
    {
        var snapshot = registry.Current;
        if (district is null || snapshot.Region(district) is not { Kind: RegionKind.District or RegionKind.CountyCity } region)
        {
            return Problems.NotFound($"没有区或县级市 {district}。", $"No district {district}.");
        }

        return new GeoJsonResult(snapshot.Query(region.Path, null));
    }

    private static async Task<Results<Created<PublicReportedDto>, Ok<PublicReportedDto>, ProblemHttpResult>> Report(
        PublicReportRequest request, HttpContext http, CaseIntake intake, CancellationToken ct)
    {
        var input = new IntakeInput(request.Category, request.Lon, request.Lat, request.Description, null, nameof(CaseSource.Resident),
            request.Name, request.Phone, null, request.Photos is { Count: > 0 } photos ? string.Join(';', photos) : null);
        var outcome = await intake.ReportAsync(input, Resident, null, http.Request.Headers["Idempotency-Key"].ToString(), ct);
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        var c = outcome.Case!;
        var dto = new PublicReportedDto(c.TrackingCode, c.Linked, c.Status, Enum.Parse<CaseStatus>(c.Status).Label(),
            new PublicPlaceDto(c.District.Name, c.Street.Name, c.Community.Name, c.Grid.Name), c.ExpectedDeadline);
        return outcome.Linked ? TypedResults.Ok(dto) : TypedResults.Created($"/api/public/cases/{c.TrackingCode}", dto);
    }

    private static async Task<Results<Ok<PublicCaseDto>, ProblemHttpResult>> Follow(string trackingCode, AppDbContext db, TrackingCodes codes, RegistryCache registry, CancellationToken ct)
    {
        var c = await FindAsync(db, codes, trackingCode, ct);
        if (c is null)
        {
            return NotFound(trackingCode);
        }

        var categoryName = await db.Categories.AsNoTracking().Where(x => x.Code == c.CategoryCode).Select(x => x.Name).FirstOrDefaultAsync(ct) ?? c.CategoryCode;
        return TypedResults.Ok(ToDto(c, categoryName, PlaceOf(registry.Current, c.GridCode)));
    }

    internal static PublicPlaceDto? PlaceOf(RegistrySnapshot snapshot, string gridCode)
    {
        // Found by code, not read through: Open311 asks this for each of up to 1,000 requests a page.
        var grid = snapshot.Grid(gridCode);
        var community = grid is null ? null : snapshot.Region(grid.CommunityCode);
        var street = community?.ParentCode is { } s ? snapshot.Region(s) : null;
        var district = street?.ParentCode is { } d ? snapshot.Region(d) : null;
        return grid is null || community is null || street is null || district is null ? null : new PublicPlaceDto(district.Name, street.Name, community.Name, grid.Name);
    }

    private static PublicCaseDto ToDto(Case c, string categoryName, PublicPlaceDto? place) => new(
        c.TrackingCode, c.CategoryCode, categoryName, c.Status.ToString(), c.Status.Label(), c.Status.IsOpen(), c.Outcome?.ToString(),
        c.ReportedAt, c.UpdatedAt, c.Status.IsOpen() ? c.StageDeadline : null, place, c.Description,
        PublicTimeline.RatingLabel(c.Rating?.ToString()), c.Status == CaseStatus.Closed && c.Rating is null,
        [.. PublicTimeline.Of(c).Select(n => new PublicStepDto(n.At, n.Kind, n.Label, n.Note, [.. n.Photos.Select(PhotoEndpoints.PublicPath)]))]);

    /// <summary>
    /// A case by tracking code, whoever asks: the code is the resident's key to their own case, so the
    /// staff data scope does not apply (a signed-in member of staff opening the page sees what a resident sees).
    /// </summary>
    private static Task<Case?> FindAsync(AppDbContext db, TrackingCodes codes, string trackingCode, CancellationToken ct) =>
        codes.FindAsync(db.Set<Case>().IgnoreQueryFilters().AsNoTracking().Include(x => x.Steps), db, trackingCode, ct);

    private static async Task<Results<Ok<PublicCaseDto>, ProblemHttpResult>> Rate(
        string trackingCode, RateRequest request, RateCase rate, AppDbContext db, TrackingCodes codes, RegistryCache registry, CancellationToken ct)
    {
        var result = await rate.RunAsync(trackingCode, request.Rating, request.Comment, Resident, ct);
        if (result is { } problem)
        {
            return problem;
        }

        return await Follow(trackingCode, db, codes, registry, ct);
    }

    internal static ProblemHttpResult NotFound(string trackingCode) =>
        Problems.NotFound($"没有查询码为 {trackingCode} 的案件，请核对查询码。", $"No case has the tracking code {trackingCode}; check the code.");
}
