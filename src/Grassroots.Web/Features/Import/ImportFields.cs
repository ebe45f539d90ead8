using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Grassroots.Web.Features.Import;

/// <summary>
/// A column of a table or a property of a GeoJSON feature: its key (the English header, as exported with
/// English headers), its Chinese header (as exported by default) and other names it is known by.
/// </summary>
public sealed record Column(string Key, string Zh, int MaxLength = 0, bool Required = false, string[]? Aliases = null)
{
    public IEnumerable<string> Names => [Key, Zh, .. Aliases ?? []];

    public override string ToString() => Key;
}

/// <summary>The columns of one kind of file, and how a header or property name finds its column.</summary>
public sealed class Schema
{
    private readonly FrozenDictionary<string, int> byName;
    private readonly FrozenDictionary<Column, int> index;

    public Schema(params Column[] columns)
    {
        Columns = columns;
        index = columns.Select((c, i) => (c, i)).ToFrozenDictionary(x => x.c, x => x.i);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Length; i++)
        {
            foreach (var name in columns[i].Names)
            {
                names.TryAdd(Normalize(name), i);
            }
        }

        byName = names.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<Column> Columns { get; }

    public int IndexOf(Column column) => index[column];

    /// <summary>The column a header names, or -1: case, spaces, '_' and '-' do not matter (parent_code = parentCode = Parent Code).</summary>
    public int Find(string? name) => name is not null && byName.TryGetValue(Normalize(name), out var i) ? i : -1;

    public static string Normalize(string name)
    {
        var b = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            if (ch is not ('_' or '-' or ' ' or '\u3000' or '\t' or '\uFEFF'))
            {
                b.Append(char.ToLowerInvariant(ch));
            }
        }

        return b.ToString();
    }
}

/// <summary>
/// The values of one row or feature, by column, with typed readers that report what does not parse.
/// Each reader returns null for an empty cell and for a bad one; the caller checks <see cref="ImportErrors.Count"/> at the end.
/// </summary>
public sealed class Fields(Schema schema, Where at, string?[] values, bool[] present, ImportErrors errors)
{
    public Where At => at;

    public ImportErrors Errors => errors;

    public void Error(Column? column, string code, string zh, string en) => errors.Add(at, column, code, zh, en);

    /// <summary>The trimmed text of a cell; null when empty. A required column that is missing from the header is reported once there, not on every row.</summary>
    public string? Text(Column column)
    {
        var i = schema.IndexOf(column);
        var text = values[i]?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (column.Required && present[i])
            {
                Error(column, ImportCodes.Required, "必填，不能为空", "is required");
            }

            return null;
        }

        if (column.MaxLength > 0 && text.Length > column.MaxLength)
        {
            Error(column, ImportCodes.TooLong, $"最多 {column.MaxLength} 个字符，实为 {text.Length} 个", $"at most {column.MaxLength} characters, not {text.Length}");
            return null;
        }

        return text;
    }

    public int? WholeNumber(Column column, int min = 0, int max = int.MaxValue)
    {
        if (Text(column) is not { } text)
        {
            return null;
        }

        if (!Cells.TryParseInt(text, out var value))
        {
            Error(column, ImportCodes.NotInteger, $"应为整数，而不是“{text}”", $"must be an integer, not '{text}'");
            return null;
        }

        if (value < min || value > max)
        {
            Error(column, ImportCodes.OutOfRange, $"应在 {min} 到 {max} 之间，而不是 {value}", $"must be between {min} and {max}, not {value}");
            return null;
        }

        return value;
    }

    public double? Number(Column column)
    {
        if (Text(column) is not { } text)
        {
            return null;
        }

        if (!Cells.TryParseNumber(text, out var value))
        {
            Error(column, ImportCodes.NotNumber, $"应为数字，而不是“{text}”", $"must be a number, not '{text}'");
            return null;
        }

        return value;
    }

    public DateOnly? Date(Column column)
    {
        if (Text(column) is not { } text)
        {
            return null;
        }

        if (!Cells.TryParseDate(text, out var value))
        {
            Error(column, ImportCodes.NotDate, $"应为 yyyy-MM-dd 格式的日期，而不是“{text}”", $"must be a date as yyyy-MM-dd, not '{text}'");
            return null;
        }

        return value;
    }

    /// <summary>An instant: a date (midnight in China) or a date and time, with or without an offset (China time when without).</summary>
    public DateTime? Instant(Column column)
    {
        if (Text(column) is not { } text)
        {
            return null;
        }

        if (!Cells.TryParseInstant(text, out var value))
        {
            Error(column, ImportCodes.NotDate, $"应为 yyyy-MM-dd 或 ISO 8601 时间，而不是“{text}”", $"must be a date as yyyy-MM-dd or an ISO 8601 time, not '{text}'");
            return null;
        }

        return value;
    }

    public bool? Bool(Column column)
    {
        if (Text(column) is not { } text)
        {
            return null;
        }

        if (!Cells.TryParseBool(text, out var value))
        {
            Error(column, ImportCodes.NotBoolean, $"应为 是/否（或 true/false），而不是“{text}”", $"must be true/false (or 是/否), not '{text}'");
            return null;
        }

        return value;
    }

    /// <summary>An enum value from its English name or its Chinese label.</summary>
    public T? Choice<T>(Column column, Func<T, string> label)
        where T : struct, Enum
    {
        if (Text(column) is not { } text)
        {
            return null;
        }

        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(text, v.ToString(), StringComparison.OrdinalIgnoreCase) || text == label(v))
            {
                return v;
            }
        }

        var values = Enum.GetValues<T>();
        Error(
            column,
            ImportCodes.UnknownValue,
            $"“{text}”不是可选值：{string.Join("、", values.Select(label))}",
            $"'{text}' is not one of {string.Join(", ", values.Select(v => v.ToString()))}");
        return null;
    }
}

/// <summary>How cells are read: invariant numbers, ISO dates (and 2024/1/5 as Chinese Excel writes them), 是/否.</summary>
public static class Cells
{
    /// <summary>China keeps one time zone without daylight saving time.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy/MM/dd"];

    public static bool TryParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static bool TryParseDate(string text, out DateOnly value) =>
        DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    /// <summary>A date is midnight China time; a time without an offset is China time; the result is UTC.</summary>
    public static bool TryParseInstant(string text, out DateTime utc)
    {
        utc = default;
        if (TryParseDate(text, out var date))
        {
            utc = DateTime.SpecifyKind(date.ToDateTime(TimeOnly.MinValue) - ChinaOffset, DateTimeKind.Utc);
            return true;
        }

        if (text.Length < 16 || !char.IsAsciiDigit(text[0]))
        {
            return false;
        }

        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 10;
        if (hasOffset)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            {
                return false;
            }

            utc = instant.UtcDateTime;
            return true;
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        utc = DateTime.SpecifyKind(local - ChinaOffset, DateTimeKind.Utc);
        return true;
    }

    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "y" or "是":
                value = true;
                return true;
            case "false" or "0" or "no" or "n" or "否":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Checks on codes shared by every kind of file.</summary>
public static class Codes
{
    public static bool IsDigits(string text, int length) => text.Length == length && text.All(char.IsAsciiDigit);

    /// <summary>Remembers where each code is first used; a second use in the same file is reported there.</summary>
    public static bool Unique(Dictionary<string, Where> seen, string code, Fields fields, Column column)
    {
        if (seen.TryAdd(code, fields.At))
        {
            return true;
        }

        var first = seen[code];
        fields.Error(column, ImportCodes.DuplicateCode, $"编码 {code} 与{first.Zh}重复", $"the code {code} is already used in {first.En.ToLowerInvariant()}");
        return false;
    }

    /// <summary>A reference to something that must already be stored.</summary>
    public static void Unknown(Fields fields, Column column, string code, string whatZh, string whatEn) =>
        fields.Error(column, ImportCodes.UnknownReference, $"没有编码为 {code} 的{whatZh}", $"no {whatEn} has the code {code}");
}
