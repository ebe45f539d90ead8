using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Units;

public sealed record HandlingUnitDto(string Code, string Name, string Kind, string KindLabel, string Department, string RegionCode, string? ParentCode, bool Active, IReadOnlyList<string>? WorkingPeriods);

public sealed record WorkingPeriodsRequest(IReadOnlyList<string>? Periods);

public static class UnitEndpoints
{
    public static IEndpointRouteBuilder MapUnitApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Units")
            .MapGet("/units", ListUnits).Require(Permission.ViewRegistry)
            .WithSummary("Handling units serving a region's subtree; without region, every unit in the account's scope and above it (city-level utilities).");
        app.MapPut("/api/units/{code}/working-periods", SetWorkingPeriods).WithTags("Units").Require(Permission.ManageCalendar)
            .WithSummary("A unit's own working periods (e.g. [\"08:00-12:00\", \"14:00-18:00\"]) for its handling deadlines; an empty list returns it to the city's.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<List<HandlingUnitDto>>, ProblemHttpResult>> ListUnits(AppDbContext db, string? region, string? kind, CancellationToken ct)
    {
        var query = db.Units.AsNoTracking();
        if (region is not null)
        {
            var path = await db.Regions.Where(r => r.Code == region).Select(r => r.Path).FirstOrDefaultAsync(ct);
            if (path is null)
            {
                return RegistryEndpoints.RegionNotFound(region);
            }

            query = query.Where(u => u.RegionPath.StartsWith(path));
        }

        if (kind is not null)
        {
            if (!HandlingUnitKinds.TryParse(kind, out var k))
            {
                return Common.Problems.BadRequest(
                    $"未知的单位类型 {kind}：应为 Department、StreetOffice、CommunityOffice 或 Utility。",
                    $"Unknown unit kind {kind}: expected Department, StreetOffice, CommunityOffice or Utility.",
                    [new Common.ProblemItem("query", "kind", "unknown-value", Common.Text.Pick("未知的值", "unknown value"))]);
            }

            query = query.Where(u => u.Kind == k);
        }

        var rows = await query.OrderBy(u => u.RegionPath).ThenBy(u => u.Code).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static HandlingUnitDto ToDto(HandlingUnit u) =>
        new(u.Code, u.Name, u.Kind.ToString(), u.Kind.Label(), u.Department, u.RegionCode, u.ParentCode, u.Active, u.WorkingPeriods?.Split(','));

    private static async Task<Results<Ok<HandlingUnitDto>, ProblemHttpResult>> SetWorkingPeriods(
        string code, WorkingPeriodsRequest request, AppDbContext db, Audit.AuditTrail audit, Calendar.CalendarCache calendars, CancellationToken ct)
    {
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null)
        {
            return Common.Problems.NotFound($"没有处置单位 {code}。", $"No handling unit {code}.");
        }

        var periods = request.Periods ?? [];
        string? stored = null;
        if (periods.Count > 0)
        {
            if (!Calendar.WorkingSchedule.TryParse(periods, out var schedule, out var error))
            {
                return Common.Problems.BadRequest("工作时间段有误，未修改。", "The working periods are not valid; nothing was changed.",
                    [new Common.ProblemItem("body", "periods", "invalid-periods", Common.Text.Pick("应为按时间先后、互不重叠的 HH:mm-HH:mm，如 08:00-12:00", error!))]);
            }

            stored = string.Join(',', schedule!.Periods);
        }

        audit.Record("units.working-periods", "unit:" + code, new { code, before = unit.WorkingPeriods, after = stored }, stored ?? "city default");
        unit.WorkingPeriods = stored;
        await db.SaveChangesAsync(ct);
        calendars.Invalidate();
        return TypedResults.Ok(ToDto(unit));
    }
}
