using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using Grassroots.Web.Features.Audit;

namespace Grassroots.Web.Features.Import;

/// <summary>The columns of a residential compound table.</summary>
public static class CompoundColumns
{
    public static readonly Column Code = new("code", "编码", 32, true, ["小区编码"]);
    public static readonly Column Name = new("name", "名称", 100, true, ["小区名称"]);
    public static readonly Column CommunityCode = new("community_code", "所属社区", 12, true, ["社区编码"]);
    public static readonly Column Lon = new("lon", "经度", 0, true, ["longitude", "lng"]);
    public static readonly Column Lat = new("lat", "纬度", 0, true, ["latitude"]);
    public static readonly Column Households = new("households", "户数", 0, false, ["住户数"]);
    public static readonly Column BranchOrgCode = new("branch_org_code", "支部编码", 32, false, ["小区党支部编码", "党支部编码"]);
    public static readonly Schema Schema = new(Code, Name, CommunityCode, Lon, Lat, Households, BranchOrgCode);
}

/// <summary>
/// Imports residential compounds from CSV or XLSX, all or nothing: inserts new codes, updates known ones.
/// The community must be a stored community or village; the branch, when given, a stored organisation.
/// </summary>
public sealed class ImportCompounds(AppDbContext db, AuditTrail audit)
{
    private sealed record Row(Where At, Compound Compound);

    public async Task<ImportResult> ImportAsync(byte[] content, FileFormat format, CancellationToken cancellationToken)
    {
        var errors = new ImportErrors();
        var table = TableFiles.Read(content, format, errors);
        if (table is null)
        {
            return ImportResult.Rejected(errors);
        }

        var records = TableFiles.Bind(table, CompoundColumns.Schema, errors);
        var stored = await db.Compounds.ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, cancellationToken);
        var regions = await db.Regions.AsNoTracking()
            .Select(r => new { r.Code, r.Kind, r.Path })
            .ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, cancellationToken);
        var orgs = (await db.Orgs.AsNoTracking().Select(o => o.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        var seen = new Dictionary<string, Where>(StringComparer.Ordinal);
        var rows = new List<Row>(records.Count);
        foreach (var f in records)
        {
            var code = f.Text(CompoundColumns.Code);
            var name = f.Text(CompoundColumns.Name);
            var community = f.Text(CompoundColumns.CommunityCode);
            var lon = f.Number(CompoundColumns.Lon);
            var lat = f.Number(CompoundColumns.Lat);
            var households = f.WholeNumber(CompoundColumns.Households);
            var branch = f.Text(CompoundColumns.BranchOrgCode);

            if (code is not null && !Codes.Unique(seen, code, f, CompoundColumns.Code))
            {
                code = null;
            }

            string? path = null;
            if (community is not null)
            {
                if (!regions.TryGetValue(community, out var region))
                {
                    Codes.Unknown(f, CompoundColumns.CommunityCode, community, "区划", "region");
                }
                else if (region.Kind.Level() != 4)
                {
                    f.Error(CompoundColumns.CommunityCode, ImportCodes.NotACommunity,
                        $"{community} 是{region.Kind.Label()}，小区只能属于社区或村", $"{community} is a {region.Kind}; a compound belongs to a community or a village");
                }
                else
                {
                    path = region.Path;
                }
            }

            if (lon is { } x && lat is { } y && !Geo.InChina(x, y))
            {
                f.Error(CompoundColumns.Lon, ImportCodes.OutsideChina,
                    $"位置 ({Cells.Format(x)}, {Cells.Format(y)}) 不在中国境内（应为 WGS 84 经纬度）", $"the position ({Cells.Format(x)}, {Cells.Format(y)}) lies outside China (WGS 84 longitude, latitude)");
                lon = null;
            }

            if (branch is not null && !orgs.Contains(branch))
            {
                Codes.Unknown(f, CompoundColumns.BranchOrgCode, branch, "党组织", "organisation");
            }

            if (code is not null && name is not null && community is not null && path is not null && lon is not null && lat is not null)
            {
                rows.Add(new Row(f.At, new Compound
                {
                    Code = code,
                    Name = name,
                    CommunityCode = community,
                    RegionPath = path,
                    Lon = lon.Value,
                    Lat = lat.Value,
                    Households = households ?? 0,
                    BranchOrgCode = branch,
                }));
            }
        }

        if (errors.Any)
        {
            return ImportResult.Rejected(errors);
        }

        int inserted = 0, updated = 0, unchanged = 0;
        foreach (var row in rows)
        {
            var c = row.Compound;
            if (!stored.TryGetValue(c.Code, out var current))
            {
                db.Compounds.Add(c);
                inserted++;
            }
            else if (current.Name == c.Name && current.CommunityCode == c.CommunityCode && current.RegionPath == c.RegionPath
                && current.Lon.Equals(c.Lon) && current.Lat.Equals(c.Lat) && current.Households == c.Households && current.BranchOrgCode == c.BranchOrgCode)
            {
                unchanged++;
            }
            else
            {
                db.Entry(current).CurrentValues.SetValues(c);
                updated++;
            }
        }

        var counts = new ImportCounts(inserted, updated, unchanged, 0);
        await ImportWriting.SaveAsync(db, audit, ImportKind.Compounds, counts, cancellationToken);
        return ImportResult.Done(counts);
    }
}
