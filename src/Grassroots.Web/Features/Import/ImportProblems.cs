using System.Globalization;
using Grassroots.Web.Features.Common;

namespace Grassroots.Web.Features.Import;

/// <summary>
/// One problem in an imported file, in both languages. <see cref="Location"/> ("row:3", "feature:2",
/// "header", "file"), <see cref="Field"/> and <see cref="Code"/> are stable, for programs; the messages are for people.
/// </summary>
public sealed record ImportProblem(string Location, string? Field, string Code, string Zh, string En)
{
    public ProblemItem ToItem() => new(Location, Field, Code, Text.Pick(Zh, En));

    public override string ToString() => $"{Zh} | {En}";
}

/// <summary>The stable codes of import problems; docs/import.md lists what each means.</summary>
public static class ImportCodes
{
    public const string EmptyFile = "empty-file";
    public const string MalformedJson = "malformed-json";
    public const string MalformedCsv = "malformed-csv";
    public const string MalformedXlsx = "malformed-xlsx";
    public const string NotFeatureCollection = "not-feature-collection";
    public const string UnsupportedFormat = "unsupported-format";
    public const string MissingColumn = "missing-column";
    public const string DuplicateColumn = "duplicate-column";
    public const string FieldCount = "field-count";
    public const string Required = "required";
    public const string TooLong = "too-long";
    public const string NotInteger = "not-integer";
    public const string NotNumber = "not-number";
    public const string NotDate = "not-date";
    public const string NotBoolean = "not-boolean";
    public const string OutOfRange = "out-of-range";
    public const string UnknownValue = "unknown-value";
    public const string InvalidCode = "invalid-code";
    public const string DuplicateCode = "duplicate-code";
    public const string CodeParentMismatch = "code-parent-mismatch";
    public const string KindLevelMismatch = "kind-level-mismatch";
    public const string UnknownParent = "unknown-parent";
    public const string ParentCycle = "parent-cycle";
    public const string UnknownReference = "unknown-reference";
    public const string NotACommunity = "not-a-community";
    public const string NotPolygon = "not-polygon";
    public const string InvalidGeometry = "invalid-geometry";
    public const string OutsideChina = "outside-china";
    public const string Overlap = "overlap";
    public const string ValidFromConflict = "valid-from-conflict";
}

/// <summary>Where in a file a problem is: a data row, a feature, the header or the whole file.</summary>
public readonly record struct Where(string Key, string Zh, string En)
{
    public static readonly Where File = new("file", "文件", "File");
    public static readonly Where Header = new("header", "表头", "Header");

    public static Where Row(int number) => new(
        string.Create(CultureInfo.InvariantCulture, $"row:{number}"),
        string.Create(CultureInfo.InvariantCulture, $"第 {number} 行"),
        string.Create(CultureInfo.InvariantCulture, $"Row {number}"));

    public static Where Feature(int number) => new(
        string.Create(CultureInfo.InvariantCulture, $"feature:{number}"),
        string.Create(CultureInfo.InvariantCulture, $"第 {number} 个要素"),
        string.Create(CultureInfo.InvariantCulture, $"Feature {number}"));
}

/// <summary>Collects every problem of a file; the import writes only when it stays empty.</summary>
public sealed class ImportErrors
{
    private readonly List<ImportProblem> problems = [];

    public int Count => problems.Count;

    public bool Any => problems.Count > 0;

    public IReadOnlyList<ImportProblem> List => problems;

    public void Add(Where at, Column? column, string code, string zh, string en) =>
        Add(at, column?.Key, column?.Zh, code, zh, en);

    public void Add(Where at, string? field, string? fieldZh, string code, string zh, string en)
    {
        var zhText = field is null ? $"{at.Zh}：{zh}" : $"{at.Zh}，{fieldZh ?? field}：{zh}";
        var enText = field is null ? $"{at.En}: {en}" : $"{at.En}, {field}: {en}";
        problems.Add(new ImportProblem(at.Key, field, code, zhText, enText));
    }
}

/// <summary>What an import did: rows inserted, updated in place, left as they were, and grids redrawn as a new version.</summary>
public sealed record ImportCounts(int Inserted, int Updated, int Unchanged, int Versioned)
{
    public int Total => Inserted + Updated + Unchanged + Versioned;
}

/// <summary>The counts of a successful import, or every problem of a rejected file.</summary>
public sealed record ImportResult(ImportCounts? Counts, IReadOnlyList<ImportProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0;

    public static ImportResult Rejected(ImportErrors errors) => new(null, errors.List);

    public static ImportResult Done(ImportCounts counts) => new(counts, []);
}
