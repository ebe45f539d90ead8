using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Units;

public sealed record HandlingUnitDto(string Code, string Name, string Kind, string KindLabel, string Department, string RegionCode, string? ParentCode, bool Active);

public static class UnitEndpoints
{
    public static IEndpointRouteBuilder MapUnitApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Units")
            .MapGet("/units", ListUnits).Require(Permission.ViewRegistry)
            .WithSummary("Handling units serving a region's subtree; without region, every unit in the account's scope and above it (city-level utilities).");
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
        return TypedResults.Ok(rows.Select(u => new HandlingUnitDto(u.Code, u.Name, u.Kind.ToString(), u.Kind.Label(), u.Department, u.RegionCode, u.ParentCode, u.Active)).ToList());
    }
}
