using System.Data;
using System.Globalization;
using CsvHelper;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Grassroots.Web.Features.Import;

/// <summary>
/// Writes organisations, compounds and people as CSV (UTF-8 with a byte order mark, so that Excel reads
/// the Chinese right) or XLSX, with the columns the import reads. Headers and enum values are Chinese by
/// default, English on request; either imports back.
/// </summary>
public static class ExportTable
{
    public static async Task<byte[]> OrgsAsync(AppDbContext db, FileFormat format, bool english, CancellationToken cancellationToken)
    {
        var orgs = await db.Orgs.AsNoTracking().OrderBy(o => o.Code).ToListAsync(cancellationToken);
        orgs.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return Write(OrgColumns.Schema, english ? "orgs" : "党组织", format, english, orgs.Select(o => new object?[]
        {
            o.Code, o.Name, english ? o.Kind.ToString() : o.Kind.Label(), english ? o.Sector.ToString() : o.Sector.Label(),
            o.ParentCode, o.RegionCode, o.GridCode, o.Unit, o.SecretaryCode, o.MemberCount, Date(o.FoundedOn),
        }));
    }

    public static async Task<byte[]> CompoundsAsync(AppDbContext db, FileFormat format, bool english, CancellationToken cancellationToken)
    {
        var compounds = await db.Compounds.AsNoTracking().OrderBy(c => c.Code).ToListAsync(cancellationToken);
        compounds.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return Write(CompoundColumns.Schema, english ? "compounds" : "小区", format, english, compounds.Select(c => new object?[]
        {
            c.Code, c.Name, c.CommunityCode, c.Lon, c.Lat, c.Households, c.BranchOrgCode,
        }));
    }

    public static async Task<byte[]> PeopleAsync(AppDbContext db, FileFormat format, bool english, CancellationToken cancellationToken)
    {
        var people = await db.People.AsNoTracking().OrderBy(p => p.Code).ToListAsync(cancellationToken);
        people.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return Write(PersonColumns.Schema, english ? "people" : "人员", format, english, people.Select(p => new object?[]
        {
            p.Code, p.Name, english ? p.Role.ToString() : p.Role.Label(), p.Phone, p.OrgCode, p.RegionCode, p.GridCodes,
            Date(p.TenureStart), p.TrainingHours, english ? (p.IsReserve ? "true" : "false") : (p.IsReserve ? "是" : "否"),
        }));
    }

    private static string? Date(DateOnly? date) => date is { } d ? Cells.Format(d) : null;

    public static byte[] Write(Schema schema, string sheet, FileFormat format, bool english, IEnumerable<object?[]> rows)
    {
        var header = schema.Columns.Select(c => english ? c.Key : c.Zh).ToArray();
        using var buffer = new MemoryStream();
        switch (format)
        {
            case FileFormat.Csv:
                // Text that a spreadsheet would run as a formula (=, +, -, @) gets an apostrophe in front; the import takes it off.
                var options = CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.Escape };
                using (var csv = CsvWriter.Create(buffer, options, leaveOpen: true))
                {
                    csv.WriteHeader(header);
                    foreach (var row in rows)
                    {
                        csv.WriteRecord(row.Select(Text).ToArray());
                    }
                }

                break;
            case FileFormat.Xlsx:
                using (var table = new DataTable(sheet) { Locale = CultureInfo.InvariantCulture })
                {
                    foreach (var name in header)
                    {
                        table.Columns.Add(name, typeof(object));
                    }

                    foreach (var row in rows)
                    {
                        table.Rows.Add(row);
                    }

                    MiniExcel.SaveAs(buffer, table, sheetName: sheet);
                }

                break;
            case FileFormat.GeoJson:
                throw new ArgumentException("Tables are written as CSV or XLSX.", nameof(format));
        }

        return buffer.ToArray();
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        int i => Cells.Format(i),
        double d => Cells.Format(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
