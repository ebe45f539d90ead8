using System.Globalization;
using System.Reflection;
using CsvHelper;
using Grassroots.Web.Features.Import;
using Grassroots.Web.Features.Units;

namespace Grassroots.Web.Features.Categories;

/// <summary>A dictionary read from a file: the categories and their deadline rows, or nothing and every problem.</summary>
public sealed record CategoryDictionary(IReadOnlyList<CaseCategory> Categories, IReadOnlyList<DeadlineRule> Deadlines);

/// <summary>
/// The dictionary file: one row per 大类 or 小类, the four deadline rows of a 小类 spread over its columns
/// (docs/categories.md). The shipped dictionary is this file, embedded; an export writes it back.
/// </summary>
public static class CategoryFile
{
    public static readonly string[] Columns =
    [
        "type", "code", "alt_code", "name", "name_en", "department", "unit_kind", "urgent_allowed",
        "dispatch_urgent", "dispatch_normal", "normal_urban", "normal_rural", "urgent_urban", "urgent_rural", "check_urban", "check_rural",
    ];

    public static byte[] Shipped()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("category-dictionary.csv")
            ?? throw new InvalidOperationException("The category dictionary is missing from the build.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public static CategoryDictionary? Read(byte[] content, FileFormat format, ImportErrors errors)
    {
        var table = TableFiles.Read(content, format, errors);
        if (table is null)
        {
            return null;
        }

        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < table.Header.Count; i++)
        {
            if (table.Header[i]?.Trim() is { Length: > 0 } name && !index.TryAdd(name, i))
            {
                errors.Add(Where.Header, name, null, ImportCodes.DuplicateColumn, "列重复", "the column appears twice");
            }
        }

        foreach (var column in Columns.Where(c => !index.ContainsKey(c)))
        {
            errors.Add(Where.Header, column, null, ImportCodes.MissingColumn, "缺少此列", "the column is missing");
        }

        if (errors.Any)
        {
            return null;
        }

        var categories = new List<CaseCategory>();
        var deadlines = new List<DeadlineRule>();
        var byCode = new Dictionary<string, CaseCategory>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var at = Where.Row(row.Number);
            string? Cell(string column) => row.Cells[index[column]]?.Trim() is { Length: > 0 } v ? v : null;
            void Problem(string column, string code, string zh, string en) => errors.Add(at, column, null, code, zh, en);

            if (!CategoryTypes.TryParse(Cell("type"), out var type))
            {
                Problem("type", ImportCodes.UnknownValue, "应为 部件 或 事件", "must be 部件 (component) or 事件 (event)");
                continue;
            }

            var code = Cell("code");
            if (code is null || !code.All(char.IsAsciiDigit) || code.Length is not (2 or 4 or 5))
            {
                Problem("code", ImportCodes.InvalidCode, "编码应为 2 位数字（大类）或 4、5 位数字（小类）", "must be 2 digits (大类) or 4 or 5 digits (小类)");
                continue;
            }

            var key = type.Prefix() + code;
            string? parent = null;
            if (code.Length > 2)
            {
                parent = type.Prefix() + code[..2];
                if (!byCode.ContainsKey(parent))
                {
                    Problem("code", ImportCodes.UnknownParent, $"大类 {code[..2]} 未在此行之前列出", $"its 大类 {code[..2]} is not listed above this row");
                }
            }

            if (byCode.ContainsKey(key))
            {
                Problem("code", ImportCodes.DuplicateCode, $"{type.Label()}编码 {code} 重复", $"the {type} code {code} appears twice");
                continue;
            }

            var altCode = Cell("alt_code");
            if (altCode is not null && (!altCode.All(char.IsAsciiDigit) || altCode.Length > 7))
            {
                Problem("alt_code", ImportCodes.InvalidCode, "对照编码应为不超过 7 位的数字", "must be at most 7 digits");
            }

            var name = Cell("name");
            if (name is null || name.Length > 100)
            {
                Problem("name", name is null ? ImportCodes.Required : ImportCodes.TooLong, name is null ? "名称必填" : "名称超过 100 字", name is null ? "a name is required" : "longer than 100 characters");
            }

            var nameEn = Cell("name_en");
            if (nameEn is { Length: > 200 })
            {
                Problem("name_en", ImportCodes.TooLong, "超过 200 字", "longer than 200 characters");
            }

            var category = new CaseCategory
            {
                Code = key,
                Type = type,
                StandardCode = code,
                AltCode = altCode,
                ParentCode = parent,
                Name = name ?? "",
                NameEn = nameEn,
                SortOrder = categories.Count + 1,
            };
            byCode[key] = category;
            categories.Add(category);
            if (parent is null)
            {
                continue;
            }

            var department = Cell("department");
            if (department is null || department.Length > 16 || !department.All(char.IsAsciiLetterUpper))
            {
                Problem("department", ImportCodes.InvalidCode, "小类应给出处置部门代码（大写字母，如 CGJ；属地为 JD）", "a 小类 needs a department code in capitals (CGJ …; JD for the locality)");
            }

            category.Department = department;
            if (!HandlingUnitKinds.TryParse(Cell("unit_kind"), out var kind))
            {
                Problem("unit_kind", ImportCodes.UnknownValue, "应为 Department、StreetOffice、CommunityOffice 或 Utility", "must be Department, StreetOffice, CommunityOffice or Utility");
            }

            category.UnitKind = kind;
            switch (Cell("urgent_allowed")?.ToLowerInvariant())
            {
                case "是" or "true" or "1" or "yes":
                    category.UrgentAllowed = true;
                    break;
                case "否" or "false" or "0" or "no":
                    break;
                default:
                    Problem("urgent_allowed", ImportCodes.NotBoolean, "应为 是 或 否", "must be 是 or 否 (true or false)");
                    break;
            }

            int Minutes(string column)
            {
                if (int.TryParse(Cell(column), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is > 0 and <= 100_000)
                {
                    return m;
                }

                Problem(column, ImportCodes.NotInteger, "应为正整数（分钟）", "must be a positive whole number of minutes");
                return 0;
            }

            (int, LimitUnit) Limit(string column)
            {
                var text = Cell(column);
                if (text is { Length: >= 2 } && text[^1] is 'h' or 'd' or 'H' or 'D'
                    && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 10_000)
                {
                    return (n, char.ToLowerInvariant(text[^1]) == 'h' ? LimitUnit.WorkingHours : LimitUnit.WorkingDays);
                }

                Problem(column, ImportCodes.InvalidCode, "应为工作小时数加 h 或工作日数加 d，如 4h、5d", "must be working hours with h or working days with d, as 4h or 5d");
                return (0, LimitUnit.WorkingHours);
            }

            var dispatch = new Dictionary<Urgency, int> { [Urgency.Urgent] = Minutes("dispatch_urgent"), [Urgency.Normal] = Minutes("dispatch_normal") };
            var check = new Dictionary<Area, int> { [Area.Urban] = Minutes("check_urban"), [Area.Rural] = Minutes("check_rural") };
            foreach (var urgency in Enum.GetValues<Urgency>())
            {
                foreach (var area in Enum.GetValues<Area>())
                {
                    var (limit, unit) = Limit(ColumnOf(urgency, area));
                    deadlines.Add(new DeadlineRule
                    {
                        CategoryCode = key,
                        Urgency = urgency,
                        Area = area,
                        DispatchMinutes = dispatch[urgency],
                        HandlingLimit = limit,
                        HandlingUnit = unit,
                        CheckMinutes = check[area],
                    });
                }
            }
        }

        if (categories.Count == 0)
        {
            errors.Add(Where.File, null, null, ImportCodes.EmptyFile, "没有任何分类", "the file holds no category");
        }

        foreach (var big in categories.Where(c => !c.IsSubcategory && !categories.Any(s => s.ParentCode == c.Code)))
        {
            errors.Add(Where.File, "code", null, ImportCodes.UnknownReference, $"{big.Type.Label()}大类 {big.StandardCode} 下没有小类", $"the {big.Type} 大类 {big.StandardCode} has no 小类");
        }

        return errors.Any ? null : new CategoryDictionary(categories, deadlines);
    }

    private static string ColumnOf(Urgency urgency, Area area) =>
        (urgency == Urgency.Urgent ? "urgent_" : "normal_") + (area == Area.Urban ? "urban" : "rural");

    public static byte[] Write(IEnumerable<CaseCategory> categories, IEnumerable<DeadlineRule> deadlines)
    {
        var rules = deadlines.ToLookup(r => r.CategoryCode, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        var options = CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.Escape };
        using (var csv = CsvWriter.Create(buffer, options, leaveOpen: true))
        {
            csv.WriteHeader(Columns);
            foreach (var c in categories.OrderBy(c => c.Type).ThenBy(c => c.SortOrder).ThenBy(c => c.Code, StringComparer.Ordinal))
            {
                var row = new string?[Columns.Length];
                row[0] = c.Type.Label();
                row[1] = c.StandardCode;
                row[2] = c.AltCode;
                row[3] = c.Name;
                row[4] = c.NameEn;
                if (c.IsSubcategory)
                {
                    var mine = rules[c.Code].ToDictionary(r => (r.Urgency, r.Area));
                    string Minutes(int m) => m.ToString(CultureInfo.InvariantCulture);
                    row[5] = c.Department;
                    row[6] = c.UnitKind?.ToString();
                    row[7] = c.UrgentAllowed ? "是" : "否";
                    row[8] = mine.GetValueOrDefault((Urgency.Urgent, Area.Urban)) is { } u ? Minutes(u.DispatchMinutes) : null;
                    row[9] = mine.GetValueOrDefault((Urgency.Normal, Area.Urban)) is { } n ? Minutes(n.DispatchMinutes) : null;
                    for (var i = 0; i < 4; i++)
                    {
                        var (urgency, area) = i switch { 0 => (Urgency.Normal, Area.Urban), 1 => (Urgency.Normal, Area.Rural), 2 => (Urgency.Urgent, Area.Urban), _ => (Urgency.Urgent, Area.Rural) };
                        row[10 + i] = mine.GetValueOrDefault((urgency, area))?.ToProfile().HandlingText;
                    }

                    row[14] = mine.GetValueOrDefault((Urgency.Normal, Area.Urban)) is { } cu ? Minutes(cu.CheckMinutes) : null;
                    row[15] = mine.GetValueOrDefault((Urgency.Normal, Area.Rural)) is { } cr ? Minutes(cr.CheckMinutes) : null;
                }

                csv.WriteRecord(row);
            }
        }

        return buffer.ToArray();
    }
}
