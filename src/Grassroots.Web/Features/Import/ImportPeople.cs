using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;
using Grassroots.Web.Features.Audit;

namespace Grassroots.Web.Features.Import;

/// <summary>The columns of a people table.</summary>
public static class PersonColumns
{
    public static readonly Column Code = new("code", "编码", 32, true, ["人员编码"]);
    public static readonly Column Name = new("name", "姓名", 50, true, ["名称"]);
    public static readonly Column Role = new("role", "角色", 0, true, ["身份"]);
    public static readonly Column Phone = new("phone", "电话", 20, false, ["联系电话", "手机"]);
    public static readonly Column OrgCode = new("org_code", "所属组织", 32, false, ["组织编码", "党组织编码"]);
    public static readonly Column RegionCode = new("region_code", "所在区划", 12, false, ["区划编码"]);
    public static readonly Column GridCodes = new("grid_codes", "网格编码", 400, false, ["负责网格"]);
    public static readonly Column TenureStart = new("tenure_start", "任职日期", 0, false, ["任职时间"]);
    public static readonly Column TrainingHours = new("training_hours", "培训学时", 0, false, ["培训时长"]);
    public static readonly Column IsReserve = new("is_reserve", "后备干部", 0, false, ["后备力量"]);
    public static readonly Schema Schema = new(Code, Name, Role, Phone, OrgCode, RegionCode, GridCodes, TenureStart, TrainingHours, IsReserve);

    /// <summary>Grid codes are kept separated by ';'; a file may also use '；', ',' or '，' or spaces.</summary>
    public static readonly char[] GridSeparators = [';', '；', ',', '，', ' ', '\u3000'];
}

/// <summary>
/// Imports people from CSV or XLSX, all or nothing: inserts new codes, updates known ones. The
/// organisation, region and grids a person is linked to must already be stored.
/// </summary>
public sealed class ImportPeople(AppDbContext db, AuditTrail audit)
{
    private sealed record Row(Where At, Person Person);

    public async Task<ImportResult> ImportAsync(byte[] content, FileFormat format, CancellationToken cancellationToken)
    {
        var errors = new ImportErrors();
        var table = TableFiles.Read(content, format, errors);
        if (table is null)
        {
            return ImportResult.Rejected(errors);
        }

        var records = TableFiles.Bind(table, PersonColumns.Schema, errors);
        var stored = await db.People.ToDictionaryAsync(p => p.Code, StringComparer.Ordinal, cancellationToken);
        var regions = await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Path, StringComparer.Ordinal, cancellationToken);
        var orgs = await db.Orgs.AsNoTracking().ToDictionaryAsync(o => o.Code, o => o.RegionPath, StringComparer.Ordinal, cancellationToken);
        var grids = (await db.Grids.AsNoTracking().Where(g => g.ValidTo == null).Select(g => g.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        var seen = new Dictionary<string, Where>(StringComparer.Ordinal);
        var rows = new List<Row>(records.Count);
        foreach (var f in records)
        {
            var code = f.Text(PersonColumns.Code);
            var name = f.Text(PersonColumns.Name);
            var role = f.Choice<PersonRole>(PersonColumns.Role, r => r.Label());
            var phone = f.Text(PersonColumns.Phone);
            var org = f.Text(PersonColumns.OrgCode);
            var region = f.Text(PersonColumns.RegionCode);
            var gridText = f.Text(PersonColumns.GridCodes);
            var tenure = f.Date(PersonColumns.TenureStart);
            var training = f.WholeNumber(PersonColumns.TrainingHours);
            var reserve = f.Bool(PersonColumns.IsReserve);

            if (code is not null && !Codes.Unique(seen, code, f, PersonColumns.Code))
            {
                code = null;
            }

            if (org is not null && !orgs.ContainsKey(org))
            {
                Codes.Unknown(f, PersonColumns.OrgCode, org, "党组织", "organisation");
            }

            if (region is not null && !regions.ContainsKey(region))
            {
                Codes.Unknown(f, PersonColumns.RegionCode, region, "区划", "region");
            }

            string? gridCodes = null;
            if (gridText is not null)
            {
                var list = gridText.Split(PersonColumns.GridSeparators, StringSplitOptions.RemoveEmptyEntries);
                foreach (var grid in list.Where(g => !grids.Contains(g)))
                {
                    Codes.Unknown(f, PersonColumns.GridCodes, grid, "现行网格", "current grid");
                }

                gridCodes = string.Join(';', list);
            }

            if (code is not null && name is not null && role is { } r)
            {
                rows.Add(new Row(f.At, new Person
                {
                    Code = code,
                    Name = name,
                    Role = r,
                    Phone = phone,
                    OrgCode = org,
                    RegionCode = region,

                    // Where the person is in scope: their region, else their organisation's.
                    RegionPath = region is not null ? regions.GetValueOrDefault(region) : org is not null ? orgs.GetValueOrDefault(org) : null,
                    GridCodes = gridCodes,
                    TenureStart = tenure,
                    TrainingHours = training ?? 0,
                    IsReserve = reserve ?? false,
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
            var p = row.Person;
            if (!stored.TryGetValue(p.Code, out var current))
            {
                db.People.Add(p);
                inserted++;
            }
            else if (current.Name == p.Name && current.Role == p.Role && current.Phone == p.Phone && current.OrgCode == p.OrgCode
                && current.RegionCode == p.RegionCode && current.RegionPath == p.RegionPath && current.GridCodes == p.GridCodes && current.TenureStart == p.TenureStart
                && current.TrainingHours == p.TrainingHours && current.IsReserve == p.IsReserve)
            {
                unchanged++;
            }
            else
            {
                db.Entry(current).CurrentValues.SetValues(p);
                updated++;
            }
        }

        var counts = new ImportCounts(inserted, updated, unchanged, 0);
        await ImportWriting.SaveAsync(db, audit, ImportKind.People, counts, cancellationToken);
        return ImportResult.Done(counts);
    }
}
