using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;
using Grassroots.Web.Features.Audit;

namespace Grassroots.Web.Features.Import;

/// <summary>The columns of a party organisation table.</summary>
public static class OrgColumns
{
    public static readonly Column Code = new("code", "编码", 32, true, ["组织编码", "党组织编码"]);
    public static readonly Column Name = new("name", "名称", 100, true, ["组织名称", "党组织名称"]);
    public static readonly Column Kind = new("kind", "类别", 0, true, ["组织类别"]);
    public static readonly Column Sector = new("sector", "领域", 0, true, ["所属领域"]);
    public static readonly Column ParentCode = new("parent_code", "上级编码", 32, false, ["上级组织编码", "上级党组织编码"]);
    public static readonly Column RegionCode = new("region_code", "所在区划", 12, false, ["区划编码"]);
    public static readonly Column GridCode = new("grid_code", "网格编码", 15, false, ["所在网格"]);
    public static readonly Column Unit = new("unit", "单位", 100, false, ["所在单位"]);
    public static readonly Column SecretaryCode = new("secretary_code", "书记编码", 32, false, ["书记"]);
    public static readonly Column MemberCount = new("member_count", "党员数", 0, false, ["党员人数"]);
    public static readonly Column FoundedOn = new("founded_on", "成立日期", 0, false, ["成立时间"]);
    public static readonly Schema Schema = new(Code, Name, Kind, Sector, ParentCode, RegionCode, GridCode, Unit, SecretaryCode, MemberCount, FoundedOn);

    /// <summary>Paths are stored in 400 characters.</summary>
    public const int MaxPath = 400;
}

/// <summary>
/// Imports party organisations from CSV or XLSX, all or nothing: inserts new codes, updates known ones.
/// A parent may be stored or in the same file; moving an organisation to another parent recomputes the
/// paths of its whole subtree. The secretary is not checked, since people are imported after organisations.
/// </summary>
public sealed class ImportOrgs(AppDbContext db, AuditTrail audit)
{
    private sealed record Row(Where At, PartyOrg Org);

    public async Task<ImportResult> ImportAsync(byte[] content, FileFormat format, CancellationToken cancellationToken)
    {
        var errors = new ImportErrors();
        var table = TableFiles.Read(content, format, errors);
        if (table is null)
        {
            return ImportResult.Rejected(errors);
        }

        var records = TableFiles.Bind(table, OrgColumns.Schema, errors);
        var stored = await db.Orgs.ToDictionaryAsync(o => o.Code, StringComparer.Ordinal, cancellationToken);
        var regions = await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Path, StringComparer.Ordinal, cancellationToken);
        var grids = (await db.Grids.AsNoTracking().Where(g => g.ValidTo == null).Select(g => g.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        var seen = new Dictionary<string, Where>(StringComparer.Ordinal);
        var rows = new List<Row>(records.Count);
        foreach (var f in records)
        {
            var code = f.Text(OrgColumns.Code);
            var name = f.Text(OrgColumns.Name);
            var kind = f.Choice<OrgKind>(OrgColumns.Kind, k => k.Label());
            var sector = f.Choice<Sector>(OrgColumns.Sector, s => s.Label());
            var parent = f.Text(OrgColumns.ParentCode);
            var region = f.Text(OrgColumns.RegionCode);
            var grid = f.Text(OrgColumns.GridCode);
            var unit = f.Text(OrgColumns.Unit);
            var secretary = f.Text(OrgColumns.SecretaryCode);
            var members = f.WholeNumber(OrgColumns.MemberCount);
            var founded = f.Date(OrgColumns.FoundedOn);

            if (code is not null && code.Contains('/', StringComparison.Ordinal))
            {
                f.Error(OrgColumns.Code, ImportCodes.InvalidCode, $"编码不能含有“/”：{code}", $"a code cannot contain '/': {code}");
                code = null;
            }

            if (code is not null && !Codes.Unique(seen, code, f, OrgColumns.Code))
            {
                code = null;
            }

            if (region is not null && !regions.ContainsKey(region))
            {
                Codes.Unknown(f, OrgColumns.RegionCode, region, "区划", "region");
            }

            if (grid is not null && !grids.Contains(grid))
            {
                Codes.Unknown(f, OrgColumns.GridCode, grid, "现行网格", "current grid");
            }

            if (code is not null && name is not null && kind is { } k && sector is { } s)
            {
                rows.Add(new Row(f.At, new PartyOrg
                {
                    Code = code,
                    Name = name,
                    Kind = k,
                    Sector = s,
                    ParentCode = parent,
                    Path = "",
                    RegionCode = region,
                    GridCode = grid,
                    Unit = unit,
                    SecretaryCode = secretary,
                    MemberCount = members ?? 0,
                    FoundedOn = founded,
                }));
            }
        }

        // The tree after the import: stored parents, replaced by the file's.
        var parentOf = stored.Values.ToDictionary(o => o.Code, o => o.ParentCode, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            parentOf[row.Org.Code] = row.Org.ParentCode;
        }

        var paths = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var parent = row.Org.ParentCode;
            if (parent is not null && !parentOf.ContainsKey(parent))
            {
                errors.Add(row.At, OrgColumns.ParentCode, ImportCodes.UnknownParent,
                    $"上级组织 {parent} 既不在数据库中，也不在本文件中", $"the parent organisation {parent} is neither stored nor in this file");
            }
            else if (PathOf(row.Org.Code, parentOf, paths) is not { } path)
            {
                errors.Add(row.At, OrgColumns.ParentCode, ImportCodes.ParentCycle,
                    $"上级关系成环：{row.Org.Code} 成了自己的上级", $"the parents form a cycle: {row.Org.Code} would be its own ancestor");
            }
            else if (path.Length > OrgColumns.MaxPath)
            {
                errors.Add(row.At, OrgColumns.ParentCode, ImportCodes.TooLong,
                    $"组织层级过深：路径超过 {OrgColumns.MaxPath} 个字符", $"the organisation sits too deep: its path exceeds {OrgColumns.MaxPath} characters");
            }
        }

        if (errors.Any)
        {
            return ImportResult.Rejected(errors);
        }

        int inserted = 0, updated = 0, unchanged = 0;
        var inFile = rows.Select(r => r.Org.Code).ToHashSet(StringComparer.Ordinal);

        // Whose scope an organisation is in: the region it serves, else its parent's.
        var regionPathOf = stored.Values.ToDictionary(o => o.Code, o => o.RegionPath, StringComparer.Ordinal);
        foreach (var row in rows.OrderBy(r => paths[r.Org.Code]!.Length))
        {
            var org = row.Org;
            org.Path = paths[org.Code]!;
            org.RegionPath = org.RegionCode is { } served ? regions[served]
                : org.ParentCode is { } parentCode ? regionPathOf.GetValueOrDefault(parentCode)
                : null;
            regionPathOf[org.Code] = org.RegionPath;
            if (!stored.TryGetValue(org.Code, out var current))
            {
                db.Orgs.Add(org);
                inserted++;
            }
            else if (Same(current, org))
            {
                unchanged++;
            }
            else
            {
                db.Entry(current).CurrentValues.SetValues(org);
                updated++;
            }
        }

        // Organisations below a moved one, not in the file themselves, follow it.
        foreach (var org in stored.Values.Where(o => !inFile.Contains(o.Code)))
        {
            if (PathOf(org.Code, parentOf, paths) is { } path && path != org.Path)
            {
                org.Path = path;
            }
        }

        var counts = new ImportCounts(inserted, updated, unchanged, 0);
        await ImportWriting.SaveAsync(db, audit, ImportKind.Orgs, counts, cancellationToken);
        return ImportResult.Done(counts);
    }

    private static bool Same(PartyOrg a, PartyOrg b) =>
        a.Name == b.Name && a.Kind == b.Kind && a.Sector == b.Sector && a.ParentCode == b.ParentCode && a.Path == b.Path
        && a.RegionCode == b.RegionCode && a.RegionPath == b.RegionPath && a.GridCode == b.GridCode && a.Unit == b.Unit && a.SecretaryCode == b.SecretaryCode
        && a.MemberCount == b.MemberCount && a.FoundedOn == b.FoundedOn;

    /// <summary>The path from the root down to the code, each code followed by '/'; null when the parents form a cycle.</summary>
    internal static string? PathOf(string code, IReadOnlyDictionary<string, string?> parentOf, Dictionary<string, string?> memo)
    {
        if (memo.TryGetValue(code, out var known))
        {
            return known;
        }

        // Walk up to a root or to a code whose path is known, then come back down.
        var chain = new List<string>();
        var onChain = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = code;
        string prefix = "";
        while (cursor is not null)
        {
            if (memo.TryGetValue(cursor, out var path))
            {
                if (path is null)
                {
                    return MarkCycle(chain, memo);
                }

                prefix = path;
                break;
            }

            if (!onChain.Add(cursor))
            {
                return MarkCycle(chain, memo);
            }

            chain.Add(cursor);
            cursor = parentOf.GetValueOrDefault(cursor);
        }

        for (var i = chain.Count - 1; i >= 0; i--)
        {
            prefix += chain[i] + "/";
            memo[chain[i]] = prefix;
        }

        return memo[code];
    }

    private static string? MarkCycle(List<string> chain, Dictionary<string, string?> memo)
    {
        foreach (var c in chain)
        {
            memo[c] = null;
        }

        return null;
    }
}
