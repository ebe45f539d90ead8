using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Grassroots.Web.Features.Audit;

namespace Grassroots.Web.Features.Import;

/// <summary>The properties of a region feature.</summary>
public static class RegionColumns
{
    public static readonly Column Code = new("code", "编码", 12, true, ["区划编码", "区划代码", "代码"]);
    public static readonly Column Name = new("name", "名称", 100, true, ["区划名称"]);
    public static readonly Column Kind = new("kind", "类别", 0, true, ["级别", "类型"]);
    public static readonly Column ParentCode = new("parentCode", "上级编码", 12, false, ["上级区划编码", "parent"]);
    public static readonly Schema Schema = new(Code, Name, Kind, ParentCode);
}

/// <summary>
/// Imports regions from GeoJSON, all or nothing: inserts new codes and updates the name, kind and outline
/// of known ones. The parent follows from the 12-digit code (a district's city is its first 4 digits, a
/// street's district its first 6, a community's street its first 9), so a region never moves and the
/// paths below it never change. A feature without a geometry keeps the stored outline.
/// </summary>
public sealed class ImportRegions(AppDbContext db, AuditTrail audit)
{
    private sealed record Row(Where At, string Code, string Name, RegionKind Kind, string? ParentCode, Geometry? Shape);

    public async Task<ImportResult> ImportAsync(byte[] content, CancellationToken cancellationToken)
    {
        var errors = new ImportErrors();
        var features = GeoJsonFiles.Read(content, RegionColumns.Schema, errors);
        if (features is null)
        {
            return ImportResult.Rejected(errors);
        }

        var stored = await db.Regions.ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, cancellationToken);
        var seen = new Dictionary<string, Where>(StringComparer.Ordinal);
        var rows = new List<Row>(features.Count);
        foreach (var feature in features)
        {
            if (Validate(feature, stored, seen) is { } row)
            {
                rows.Add(row);
            }
        }

        foreach (var row in rows)
        {
            if (row.ParentCode is { } parent && !stored.ContainsKey(parent) && !seen.ContainsKey(parent))
            {
                errors.Add(row.At, RegionColumns.ParentCode, ImportCodes.UnknownParent,
                    $"上级区划 {parent} 既不在数据库中，也不在本文件中", $"the parent region {parent} is neither stored nor in this file");
            }
        }

        if (errors.Any)
        {
            return ImportResult.Rejected(errors);
        }

        int inserted = 0, updated = 0, unchanged = 0;
        var paths = stored.ToDictionary(r => r.Key, r => r.Value.Path, StringComparer.Ordinal);
        foreach (var row in rows.OrderBy(r => RegionKinds.LevelOfCode(r.Code)))
        {
            if (stored.TryGetValue(row.Code, out var region))
            {
                var sameShape = row.Shape is null || (region.Boundary is not null && Shapes.SameShape(Geo.FromWkb(region.Boundary), row.Shape));
                if (region.Name == row.Name && region.Kind == row.Kind && sameShape)
                {
                    unchanged++;
                    continue;
                }

                region.Name = row.Name;
                region.Kind = row.Kind;
                if (!sameShape)
                {
                    SetShape(region, row.Shape!);
                }

                updated++;
                continue;
            }

            var path = (row.ParentCode is null ? "" : paths[row.ParentCode]) + row.Code + "/";
            paths[row.Code] = path;
            region = new Region { Code = row.Code, Name = row.Name, Kind = row.Kind, ParentCode = row.ParentCode, Path = path };
            if (row.Shape is not null)
            {
                SetShape(region, row.Shape);
            }

            db.Regions.Add(region);
            inserted++;
        }

        var counts = new ImportCounts(inserted, updated, unchanged, 0);
        await ImportWriting.SaveAsync(db, audit, ImportKind.Regions, counts, cancellationToken);
        return ImportResult.Done(counts);
    }

    private static Row? Validate(FeatureRecord feature, Dictionary<string, Region> stored, Dictionary<string, Where> seen)
    {
        var f = feature.Fields;
        var code = f.Text(RegionColumns.Code);
        var name = f.Text(RegionColumns.Name);
        var kind = f.Choice<RegionKind>(RegionColumns.Kind, k => k.Label());
        var parent = f.Text(RegionColumns.ParentCode);
        if (feature.Geometry is { } shape)
        {
            Shapes.Check(shape, f.At, f.Errors);
        }

        if (code is not null && !Codes.IsDigits(code, 12))
        {
            f.Error(RegionColumns.Code, ImportCodes.InvalidCode, $"区划编码应为 12 位数字，而不是“{code}”", $"a region code is 12 digits, not '{code}'");
            code = null;
        }

        if (code is not null && !Codes.Unique(seen, code, f, RegionColumns.Code))
        {
            code = null;
        }

        if (code is null || kind is not { } k)
        {
            return null;
        }

        var level = RegionKinds.LevelOfCode(code);
        if (level != k.Level())
        {
            f.Error(RegionColumns.Kind, ImportCodes.KindLevelMismatch,
                $"编码 {code} 是第 {level} 级区划，而“{k.Label()}”是第 {k.Level()} 级", $"the code {code} is a level-{level} region but {k} is level {k.Level()}");
            return null;
        }

        var expected = ExpectedParent(code);
        if (expected is null && parent is not null)
        {
            f.Error(RegionColumns.ParentCode, ImportCodes.CodeParentMismatch, $"市级区划 {code} 没有上级，而不是 {parent}", $"the city {code} has no parent, not {parent}");
            return null;
        }

        if (expected is not null && parent is null)
        {
            f.Error(RegionColumns.ParentCode, ImportCodes.Required, $"应为 {expected}（由编码 {code} 决定）", $"is required: {expected}, as the code {code} says");
            return null;
        }

        if (expected != parent)
        {
            f.Error(RegionColumns.ParentCode, ImportCodes.CodeParentMismatch,
                $"编码 {code} 的上级应为 {expected}，而不是 {parent}", $"the code {code} belongs under {expected}, not {parent}");
            return null;
        }

        if (stored.TryGetValue(code, out var region) && region.ParentCode != parent)
        {
            f.Error(RegionColumns.ParentCode, ImportCodes.CodeParentMismatch,
                $"已存储的区划 {code} 的上级是 {region.ParentCode}，导入不能更改上级", $"the stored region {code} sits under {region.ParentCode}; an import does not move regions");
            return null;
        }

        return name is null ? null : new Row(f.At, code, name, k, parent, feature.Geometry);
    }

    /// <summary>
    /// The parent a 12-digit code implies: a district's city (first 4 digits), a street's district (first 6),
    /// a community's street (first 9); null for a city.
    /// </summary>
    public static string? ExpectedParent(string code) => RegionKinds.LevelOfCode(code) switch
    {
        1 => null,
        2 => code[..4] + "00000000",
        3 => code[..6] + "000000",
        _ => code[..9] + "000",
    };

    private static void SetShape(Region region, Geometry shape)
    {
        var env = shape.EnvelopeInternal;
        region.Boundary = Geo.ToWkb(shape);
        (region.MinLon, region.MinLat, region.MaxLon, region.MaxLat) = (env.MinX, env.MinY, env.MaxX, env.MaxY);
        region.AreaM2 = Math.Round(Geo.AreaM2(shape), 1);
    }
}

/// <summary>How a validated import is written: every change and its audit entry in one transaction.</summary>
internal static class ImportWriting
{
    public static async Task SaveAsync(AppDbContext db, AuditTrail audit, ImportKind kind, ImportCounts counts, CancellationToken cancellationToken)
    {
        audit.Record("registry.import." + kind.ToString().ToLowerInvariant(), "registry:" + kind.ToString().ToLowerInvariant(), counts,
            $"{counts.Inserted} inserted, {counts.Updated} updated, {counts.Unchanged} unchanged, {counts.Versioned} versioned");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
