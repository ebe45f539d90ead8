using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Grassroots.Web.Features.Audit;

namespace Grassroots.Web.Features.Import;

/// <summary>The properties of a grid feature.</summary>
public static class GridColumns
{
    public static readonly Column Code = new("code", "编码", 15, true, ["网格编码"]);
    public static readonly Column Name = new("name", "名称", 100, true, ["网格名称"]);
    public static readonly Column Kind = new("kind", "类别", 0, true, ["网格类别", "类型"]);
    public static readonly Column CommunityCode = new("communityCode", "所属社区", 12, true, ["社区编码", "community"]);
    public static readonly Column ResponsibleOrgCode = new("responsibleOrgCode", "责任组织", 32, false, ["责任组织编码", "responsibleOrg"]);
    public static readonly Column Owner = new("owner", "权属单位", 100, false, ["业主单位"]);
    public static readonly Column ValidFrom = new("validFrom", "生效时间", 0, false, ["生效日期", "启用日期"]);
    public static readonly Schema Schema = new(Code, Name, Kind, CommunityCode, ResponsibleOrgCode, Owner, ValidFrom);

    public static string Label(this GridKind kind) => kind switch
    {
        GridKind.Basic => "基础网格",
        GridKind.Dedicated => "专属网格",
    };

    public static string Key(this GridKind kind) => kind switch
    {
        GridKind.Basic => "basic",
        GridKind.Dedicated => "dedicated",
    };
}

/// <summary>
/// Imports grids from GeoJSON, all or nothing, keeping their history. A grid whose outline differs from
/// its current version is redrawn: the current version ends (valid-to) when the new one starts — the
/// feature's validFrom, or the time of the import — and the new version is inserted. A grid whose outline
/// is the same has its attributes updated in place. Grids absent from the file are left as they are.
/// Within a community, no grid may overlap another (see <see cref="Overlaps"/>).
/// </summary>
public sealed class ImportGrids(AppDbContext db, AuditTrail audit, TimeProvider clock)
{
    private sealed record Row(Where At, string Code, string Name, GridKind Kind, string CommunityCode, string? ResponsibleOrgCode, string? Owner, DateTime? ValidFrom, Geometry Shape);

    public async Task<ImportResult> ImportAsync(byte[] content, CancellationToken cancellationToken)
    {
        var errors = new ImportErrors();
        var features = GeoJsonFiles.Read(content, GridColumns.Schema, errors);
        if (features is null)
        {
            return ImportResult.Rejected(errors);
        }

        var regions = await db.Regions.AsNoTracking()
            .Select(r => new { r.Code, r.Kind, r.Path })
            .ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, cancellationToken);
        var seen = new Dictionary<string, Where>(StringComparer.Ordinal);
        var rows = new List<Row>(features.Count);
        foreach (var feature in features)
        {
            var f = feature.Fields;
            var code = f.Text(GridColumns.Code);
            var name = f.Text(GridColumns.Name);
            var kind = f.Choice<GridKind>(GridColumns.Kind, k => k.Label());
            var community = f.Text(GridColumns.CommunityCode);
            var org = f.Text(GridColumns.ResponsibleOrgCode);
            var owner = f.Text(GridColumns.Owner);
            var validFrom = f.Instant(GridColumns.ValidFrom);
            var shape = feature.Geometry;
            if (!feature.HasGeometry)
            {
                f.Error(Shapes.GeometryField, ImportCodes.Required, "网格必须有多边形边界", "a grid needs a polygon");
            }
            else if (shape is not null && !Shapes.Check(shape, f.At, errors))
            {
                shape = null;
            }

            if (code is not null && !Codes.IsDigits(code, 15))
            {
                f.Error(GridColumns.Code, ImportCodes.InvalidCode, $"网格编码应为 15 位数字，而不是“{code}”", $"a grid code is 15 digits, not '{code}'");
                code = null;
            }

            if (code is not null && !Codes.Unique(seen, code, f, GridColumns.Code))
            {
                code = null;
            }

            if (community is not null)
            {
                if (!Codes.IsDigits(community, 12))
                {
                    f.Error(GridColumns.CommunityCode, ImportCodes.InvalidCode, $"社区编码应为 12 位数字，而不是“{community}”", $"a community code is 12 digits, not '{community}'");
                    community = null;
                }
                else if (!regions.TryGetValue(community, out var region))
                {
                    Codes.Unknown(f, GridColumns.CommunityCode, community, "区划", "region");
                    community = null;
                }
                else if (region.Kind.Level() != 4)
                {
                    f.Error(GridColumns.CommunityCode, ImportCodes.NotACommunity,
                        $"{community} 是{region.Kind.Label()}，网格只能划在社区或村内", $"{community} is a {region.Kind}; a grid lies in a community or a village");
                    community = null;
                }
            }

            if (code is not null && community is not null && !code.StartsWith(community, StringComparison.Ordinal))
            {
                f.Error(GridColumns.Code, ImportCodes.CodeParentMismatch,
                    $"网格编码 {code} 应以所属社区编码 {community} 开头", $"the grid code {code} must start with its community's code {community}");
                code = null;
            }

            if (code is not null && name is not null && kind is { } k && community is not null && shape is not null)
            {
                rows.Add(new Row(f.At, code, name, k, community, org, owner, validFrom, shape));
            }
        }

        // Every version of every grid in the communities the file touches: the history to extend and the neighbours to check.
        var communities = rows.Select(r => r.CommunityCode).Distinct(StringComparer.Ordinal).ToList();
        var stored = await db.Grids.Where(g => communities.Contains(g.CommunityCode)).ToListAsync(cancellationToken);
        var versions = stored.ToLookup(g => g.Code, StringComparer.Ordinal);
        var now = clock.GetUtcNow().UtcDateTime;

        var plans = new List<(Row Row, Grid? Current, bool Redrawn)>(rows.Count);
        foreach (var row in rows)
        {
            var current = versions[row.Code].FirstOrDefault(g => g.ValidTo is null);
            var redrawn = current is null || !Shapes.SameShape(Geo.FromWkb(current.Boundary), row.Shape);
            if (redrawn)
            {
                var start = row.ValidFrom ?? now;
                var latest = versions[row.Code].MaxBy(g => g.ValidFrom);
                if (latest is not null && (start <= latest.ValidFrom || start < (latest.ValidTo ?? start)))
                {
                    errors.Add(row.At, GridColumns.ValidFrom, ImportCodes.ValidFromConflict,
                        $"新边界的生效时间 {China(start)} 应晚于现有版本的生效时间 {China(latest.ValidFrom)}",
                        $"the new outline must start after the stored version that starts {China(latest.ValidFrom)}, not {China(start)}");
                }
            }

            plans.Add((row, current, redrawn));
        }

        CheckOverlaps(plans, stored, errors);
        if (errors.Any)
        {
            return ImportResult.Rejected(errors);
        }

        int inserted = 0, updated = 0, unchanged = 0, versioned = 0;
        foreach (var (row, current, redrawn) in plans)
        {
            if (!redrawn)
            {
                if (current!.Name == row.Name && current.Kind == row.Kind && current.ResponsibleOrgCode == row.ResponsibleOrgCode && current.Owner == row.Owner)
                {
                    unchanged++;
                    continue;
                }

                (current.Name, current.Kind, current.ResponsibleOrgCode, current.Owner) = (row.Name, row.Kind, row.ResponsibleOrgCode, row.Owner);
                updated++;
                continue;
            }

            var start = row.ValidFrom ?? now;
            if (current is not null)
            {
                current.ValidTo = start;
                versioned++;
            }
            else
            {
                inserted++;
            }

            var env = row.Shape.EnvelopeInternal;
            db.Grids.Add(new Grid
            {
                Code = row.Code,
                Name = row.Name,
                Kind = row.Kind,
                CommunityCode = row.CommunityCode,
                RegionPath = regions[row.CommunityCode].Path,
                ResponsibleOrgCode = row.ResponsibleOrgCode,
                Owner = row.Owner,
                AreaM2 = Math.Round(Geo.AreaM2(row.Shape), 1),
                ValidFrom = start,
                Boundary = Geo.ToWkb(row.Shape),
                MinLon = env.MinX,
                MinLat = env.MinY,
                MaxLon = env.MaxX,
                MaxLat = env.MaxY,
            });
        }

        var counts = new ImportCounts(inserted, updated, unchanged, versioned);
        await ImportWriting.SaveAsync(db, audit, ImportKind.Grids, counts, cancellationToken);
        return ImportResult.Done(counts);
    }

    /// <summary>
    /// Per community, the grids as they will be after the import: the stored current ones the file leaves
    /// alone and the file's. Only pairs with a new or redrawn outline are checked; the rest were accepted before.
    /// </summary>
    private static void CheckOverlaps(List<(Row Row, Grid? Current, bool Redrawn)> plans, List<Grid> stored, ImportErrors errors)
    {
        var inFile = plans.Select(p => p.Row.Code).ToHashSet(StringComparer.Ordinal);
        var kept = stored.Where(g => g.ValidTo is null && !inFile.Contains(g.Code)).ToLookup(g => g.CommunityCode, StringComparer.Ordinal);
        var groups = plans.GroupBy(p => p.Row.CommunityCode, StringComparer.Ordinal).ToList();
        var found = new List<(Row Row, string OtherZh, string OtherEn, double AreaM2)>[groups.Count];
        Parallel.For(0, groups.Count, i =>
        {
            var group = groups[i].ToList();
            var others = kept[groups[i].Key].ToList();
            var shapes = new List<Geometry>(group.Count + others.Count);
            var isNew = new List<bool>(shapes.Capacity);
            shapes.AddRange(group.Select(p => p.Row.Shape));
            isNew.AddRange(group.Select(p => p.Redrawn));
            shapes.AddRange(others.Select(g => Geo.FromWkb(g.Boundary)));
            isNew.AddRange(others.Select(_ => false));

            found[i] = [];
            foreach (var (a, b, area) in Overlaps.Find(shapes, isNew))
            {
                // a < b, so a is always in the file; tell it on the later of the two when both are.
                if (b < group.Count)
                {
                    var first = group[a].Row;
                    found[i].Add((group[b].Row, $"{first.At.Zh}的网格 {first.Code}", $"grid {first.Code} of {first.At.En.ToLowerInvariant()}", area));
                }
                else
                {
                    var other = others[b - group.Count];
                    found[i].Add((group[a].Row, $"现有网格 {other.Code}（{other.Name}）", $"the stored grid {other.Code} ({other.Name})", area));
                }
            }
        });

        foreach (var (row, otherZh, otherEn, area) in found.SelectMany(f => f).OrderBy(f => f.Row.At.Key.Length).ThenBy(f => f.Row.At.Key, StringComparer.Ordinal))
        {
            errors.Add(row.At, Shapes.GeometryField, ImportCodes.Overlap,
                $"与{otherZh}重叠约 {M2(area)} 平方米", $"overlaps {otherEn} by about {M2(area)} m²");
        }
    }

    private static string M2(double area) => area.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static string China(DateTime utc) => (utc + Cells.ChinaOffset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
