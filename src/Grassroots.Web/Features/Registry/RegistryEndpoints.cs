using System.Buffers;
using System.Globalization;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace Grassroots.Web.Features.Registry;

/// <summary>Read endpoints of the organisation system: regions, grids, organisations, compounds, search.</summary>
public static class RegistryEndpoints
{
    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Registry");
        app.MapGet("/api/grids/locate", Locate).Public().RequireRateLimiting(AccountsSetup.PublicLimit).WithTags("Registry")
            .WithSummary("The grid, community, street, district and responsible organisation at a point (open to residents).");
        api.MapGet("/regions", ListRegions).Require(Permission.ViewRegistry).WithSummary("Child regions of a region; the top level without parent.");
        api.MapGet("/regions/{code}", GetRegion).Require(Permission.ViewRegistry).WithSummary("A region with its path up to the city.");
        api.MapGet("/grids", ListGrids).Require(Permission.ViewRegistry)
            .WithSummary("Current grids as a GeoJSON FeatureCollection, by region subtree and bounding box.")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/orgs", ListOrgs).Require(Permission.ViewRegistry).WithSummary("Child organisations; the roots without parent.");
        api.MapGet("/orgs/{code}", GetOrg).Require(Permission.ViewRegistry).WithSummary("An organisation with its path, secretary and size.");
        api.MapGet("/compounds", ListCompounds).Require(Permission.ViewRegistry).WithSummary("Residential compounds in a region subtree, in pages.");
        api.MapGet("/search", Search).Require(Permission.ViewRegistry).WithSummary("Regions, grids, compounds and organisations whose name or code contains the text.");
        return app;
    }

    private static async Task<Results<Ok<List<RegionDto>>, ProblemHttpResult>> ListRegions(AppDbContext db, string? parent, CancellationToken ct)
    {
        if (parent is not null && !await db.Regions.AnyAsync(r => r.Code == parent, ct))
        {
            return RegionNotFound(parent);
        }

        var rows = await db.Regions.AsNoTracking()
            .Where(r => r.ParentCode == parent)
            .OrderBy(r => r.Code)
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => r.ToDto()).ToList());
    }

    private static async Task<Results<Ok<RegionDetailDto>, ProblemHttpResult>> GetRegion(AppDbContext db, string code, CancellationToken ct)
    {
        var region = await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code, ct);
        if (region is null)
        {
            return RegionNotFound(code);
        }

        var pathCodes = region.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = await db.Regions.AsNoTracking().Where(r => pathCodes.Contains(r.Code)).ToListAsync(ct);
        var children = await db.Regions.CountAsync(r => r.ParentCode == code, ct);
        if (children == 0 && region.Kind.Level() == 4)
        {
            children = await db.Grids.CountAsync(g => g.CommunityCode == code && g.ValidTo == null, ct);
        }

        return TypedResults.Ok(new RegionDetailDto(
            region.Code, region.Name, region.Kind.ToString(), region.Kind.Label(), region.Kind.Level(), region.ParentCode, region.AreaM2, region.Kind.IsRural(),
            [.. path.OrderBy(r => r.Path.Length).Select(r => r.ToDto())],
            children));
    }

    private static Results<GeoJsonResult, ProblemHttpResult> ListGrids(RegistryCache registry, DataScope scope, string? region, string? bbox)
    {
        var snapshot = registry.Current;

        // The snapshot is not behind the database's scope filter: the scope applies here.
        var path = scope.RegionPath;
        if (region is not null)
        {
            var info = snapshot.Region(region);
            if (info is null || !scope.CoversOrIsAbove(info.Path))
            {
                return RegionNotFound(region);
            }

            if (path is null || info.Path.Length > path.Length)
            {
                path = info.Path;
            }
        }

        Envelope? box = null;
        if (bbox is not null)
        {
            var parts = bbox.Split(',');
            if (parts.Length != 4
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var minLon)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var minLat)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var maxLon)
                || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var maxLat)
                || minLon > maxLon || minLat > maxLat)
            {
                return Problems.BadRequest(
                    "bbox 应为 最小经度,最小纬度,最大经度,最大纬度，例如 120.25,31.55,120.35,31.62。",
                    "bbox must be minLon,minLat,maxLon,maxLat, for example 120.25,31.55,120.35,31.62.",
                    [new ProblemItem("query", "bbox", "invalid-bbox", Text.Pick("格式不正确", "malformed"))]);
            }

            box = new Envelope(minLon, maxLon, minLat, maxLat);
        }

        return new GeoJsonResult(snapshot.Query(path, box));
    }

    private static Results<Ok<LocationDto>, ProblemHttpResult> Locate(RegistryCache registry, double? lon, double? lat)
    {
        if (lon is null || lat is null || !double.IsFinite(lon.Value) || !double.IsFinite(lat.Value) || lon is < -180 or > 180 || lat is < -90 or > 90)
        {
            return Problems.BadRequest(
                "请给出经度 lon 和纬度 lat（WGS 84 十进制度）。",
                "Give the longitude lon and latitude lat (WGS 84 decimal degrees).",
                [new ProblemItem("query", lon is null || !double.IsFinite(lon.Value) || lon is < -180 or > 180 ? "lon" : "lat", "invalid-coordinate", Text.Pick("缺少或超出范围", "missing or out of range"))]);
        }

        var location = registry.Current.Locate(lon.Value, lat.Value);
        if (location is null)
        {
            return Problems.Of(
                StatusCodes.Status404NotFound,
                "outside-grids",
                "不在网格范围内",
                "Outside every grid",
                $"位置 ({lon}, {lat}) 不在本市任何网格内，请确认位置是否在本市范围。",
                $"The point ({lon}, {lat}) lies outside every grid of the city; check that it is inside the city.");
        }

        var g = location.Grid;
        return TypedResults.Ok(new LocationDto(
            lon.Value,
            lat.Value,
            new GridRefDto(g.Code, g.Name, g.Kind == GridKind.Basic ? "basic" : "dedicated", g.AreaM2, g.Owner),
            new PlaceDto(location.Community.Code, location.Community.Name),
            new PlaceDto(location.Street.Code, location.Street.Name),
            new PlaceDto(location.District.Code, location.District.Name),
            location.ResponsibleOrg is { } o ? new OrgRefDto(o.Code, o.Name, o.Kind.ToString()) : null,
            location.Locality));
    }

    private static async Task<Results<Ok<List<OrgDto>>, ProblemHttpResult>> ListOrgs(AppDbContext db, string? parent, CancellationToken ct)
    {
        if (parent is not null && !await db.Orgs.AnyAsync(o => o.Code == parent, ct))
        {
            return OrgNotFound(parent);
        }

        var rows = await db.Orgs.AsNoTracking().Where(o => o.ParentCode == parent).OrderBy(o => o.Code).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(o => o.ToDto()).ToList());
    }

    private static async Task<Results<Ok<OrgDetailDto>, ProblemHttpResult>> GetOrg(AppDbContext db, string code, CancellationToken ct)
    {
        var org = await db.Orgs.AsNoTracking().FirstOrDefaultAsync(o => o.Code == code, ct);
        if (org is null)
        {
            return OrgNotFound(code);
        }

        var pathCodes = org.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = await db.Orgs.AsNoTracking().Where(o => pathCodes.Contains(o.Code))
            .Select(o => new { o.Code, o.Name, o.Kind, o.Path }).ToListAsync(ct);
        var secretary = org.SecretaryCode is null ? null : await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Code == org.SecretaryCode, ct);
        var children = await db.Orgs.CountAsync(o => o.ParentCode == code, ct);
        var reserves = await db.People.CountAsync(p => p.OrgCode == code && p.IsReserve, ct);
        return TypedResults.Ok(new OrgDetailDto(
            org.ToDto(),
            [.. path.OrderBy(o => o.Path.Length).Select(o => new OrgRefDto(o.Code, o.Name, o.Kind.ToString()))],
            secretary is null ? null : new SecretaryDto(secretary.Code, secretary.Name, RegistryMapping.MaskPhone(secretary.Phone), secretary.TenureStart, secretary.TrainingHours),
            children,
            reserves));
    }

    private static async Task<Results<Ok<CompoundPage>, ProblemHttpResult>> ListCompounds(AppDbContext db, string? region, string? after, int? limit, CancellationToken ct)
    {
        var query = db.Compounds.AsNoTracking();
        if (region is not null)
        {
            var path = await db.Regions.Where(r => r.Code == region).Select(r => r.Path).FirstOrDefaultAsync(ct);
            if (path is null)
            {
                return RegionNotFound(region);
            }

            query = query.Where(c => c.RegionPath.StartsWith(path));
        }

        if (after is not null)
        {
            query = query.Where(c => c.Code.CompareTo(after) > 0);
        }

        var take = Math.Clamp(limit ?? 500, 1, 5000);
        var rows = await query.OrderBy(c => c.Code).Take(take + 1)
            .Select(c => new CompoundDto(c.Code, c.Name, c.CommunityCode, c.Lon, c.Lat, c.Households, c.BranchOrgCode))
            .ToListAsync(ct);
        var next = rows.Count > take ? rows[take - 1].Code : null;
        return TypedResults.Ok(new CompoundPage(rows.Take(take).ToList(), next));
    }

    private static async Task<Results<Ok<SearchResult>, ProblemHttpResult>> Search(AppDbContext db, string? q, CancellationToken ct)
    {
        var text = q?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 50)
        {
            return Problems.BadRequest("请输入 1 到 50 个字的搜索词 q。", "Give a search text q of 1 to 50 characters.",
                [new ProblemItem("query", "q", "invalid-query", Text.Pick("为空或过长", "empty or too long"))]);
        }

        const int each = 20;
        var regions = await db.Regions.AsNoTracking().Where(r => r.Name.Contains(text) || r.Code.StartsWith(text))
            .OrderBy(r => r.Name.Length).ThenBy(r => r.Code).Take(each)
            .Select(r => new SearchHit("region", r.Code, r.Name, null)).ToListAsync(ct);
        var grids = await db.Grids.AsNoTracking().Where(g => g.ValidTo == null && (g.Name.Contains(text) || g.Code.StartsWith(text)))
            .OrderBy(g => g.Name.Length).ThenBy(g => g.Code).Take(each)
            .Select(g => new SearchHit("grid", g.Code, g.Name, g.CommunityCode)).ToListAsync(ct);
        var compounds = await db.Compounds.AsNoTracking().Where(c => c.Name.Contains(text) || c.Code.StartsWith(text))
            .OrderBy(c => c.Name.Length).ThenBy(c => c.Code).Take(each)
            .Select(c => new SearchHit("compound", c.Code, c.Name, c.CommunityCode)).ToListAsync(ct);
        var orgs = await db.Orgs.AsNoTracking().Where(o => o.Name.Contains(text) || o.Code.StartsWith(text))
            .OrderBy(o => o.Name.Length).ThenBy(o => o.Code).Take(each)
            .Select(o => new SearchHit("org", o.Code, o.Name, o.ParentCode)).ToListAsync(ct);

        // Give each hit the name of the place it sits in.
        var contextCodes = grids.Concat(compounds).Select(h => h.Context!).Distinct().ToList();
        var names = await db.Regions.AsNoTracking().Where(r => contextCodes.Contains(r.Code)).ToDictionaryAsync(r => r.Code, r => r.Name, ct);
        var hits = regions
            .Concat(grids.Select(h => h with { Context = names.GetValueOrDefault(h.Context!) }))
            .Concat(compounds.Select(h => h with { Context = names.GetValueOrDefault(h.Context!) }))
            .Concat(orgs.Select(h => h with { Context = null }))
            .ToList();
        return TypedResults.Ok(new SearchResult(text, hits));
    }

    internal static ProblemHttpResult RegionNotFound(string code) =>
        Problems.NotFound($"没有编码为 {code} 的行政区划。", $"No region has the code {code}.");

    internal static ProblemHttpResult OrgNotFound(string code) =>
        Problems.NotFound($"没有编码为 {code} 的党组织。", $"No party organisation has the code {code}.");
}

/// <summary>Writes pre-serialised grid features as one GeoJSON FeatureCollection.</summary>
public sealed class GeoJsonResult(IEnumerable<GridInfo> grids) : IResult
{
    private static readonly byte[] Head = """{"type":"FeatureCollection","features":["""u8.ToArray();
    private static readonly byte[] Tail = "]}"u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/geo+json; charset=utf-8";
        var body = httpContext.Response.BodyWriter;
        body.Write(Head);
        var first = true;
        foreach (var grid in grids)
        {
            if (!first)
            {
                body.Write(Comma);
            }

            body.Write(grid.Feature);
            first = false;
            if (body.UnflushedBytes > 64 * 1024)
            {
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }

        body.Write(Tail);
        await body.FlushAsync(httpContext.RequestAborted);
    }
}
